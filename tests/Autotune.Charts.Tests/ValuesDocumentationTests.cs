using Autotune.KubeApi.Authorization;
using Xunit;

namespace Autotune.Charts.Tests;

public sealed class ValuesDocumentationTests
{
    [Theory]
    [InlineData("charts/autotune/values.yaml")]
    [InlineData("charts/sample-stack/values.yaml")]
    public void Every_key_has_a_description_comment_on_itself_or_the_block_it_is_in(string file)
    {
        var undocumented = Undocumented(File.ReadAllLines(Path.Combine(Helm.RepoRoot, file)));

        Assert.True(undocumented.Count == 0, $"{file}: keys without a '# --' comment: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void A_key_without_a_comment_is_found()
    {
        string[] lines = ["# -- documented", "a: 1", "b:", "  # -- inner", "  c: 2", "  d: 3"];

        Assert.Equal(["b.d"], Undocumented(lines));
    }

    /// <summary>
    /// Keys (dotted paths) neither preceded by a '# --' comment (helm-docs' convention) nor inside a documented block.
    /// A block without its own comment is fine when each key in it is documented (those are checked one by one).
    /// </summary>
    private static List<string> Undocumented(IReadOnlyList<string> lines)
    {
        var stack = new List<(int Indent, string Key, bool Documented)>();
        var undocumented = new List<string>();
        var pendingComment = false;
        foreach (var line in lines)
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("# --", StringComparison.Ordinal))
            {
                pendingComment = true;
                continue;
            }

            if (trimmed.Length == 0 || trimmed.StartsWith('#') || trimmed.StartsWith('-'))
            {
                continue;
            }

            var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var indent = line.Length - trimmed.Length;
            stack.RemoveAll(s => s.Indent >= indent);
            var key = trimmed[..colon].Trim('"');
            var documented = pendingComment || stack.Any(s => s.Documented);
            pendingComment = false;
            var path = string.Join('.', stack.Select(s => s.Key).Append(key));
            var opensBlock = trimmed[(colon + 1)..].Trim().Length == 0;
            if (!documented && !opensBlock)
            {
                undocumented.Add(path);
            }

            stack.Add((indent, key, documented));
        }

        return undocumented;
    }
}
