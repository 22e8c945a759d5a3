using System.Text.RegularExpressions;
using Autotune.KubeApi.Authorization;
using Xunit;

namespace Autotune.Charts.Tests;

/// <summary>No Docker engine here: the Dockerfiles' properties are checked as text (the K3s suite builds them where Docker exists).</summary>
public sealed partial class DockerfileTests
{
    [Theory]
    [InlineData("operator/Dockerfile", "operator/Autotune.Operator/Autotune.Operator.csproj", "autotune.dll")]
    [InlineData("sample-api/Dockerfile", "sample-api/SampleApi/SampleApi.csproj", "SampleApi.dll")]
    public void Builds_with_the_sdk_and_runs_on_a_small_runtime_image_as_a_non_root_user(string dockerfile, string project, string entry)
    {
        var lines = Instructions(dockerfile);
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, froms.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0], StringComparison.Ordinal);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/(aspnet|runtime):10\.0(-[a-z-]+)? AS runtime$", froms[1]);
        var final = lines.SkipWhile(l => l != froms[1]).ToList();
        Assert.Contains(final, l => l.StartsWith("COPY --from=build ", StringComparison.Ordinal));
        var user = Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotMatch(@"^USER (root|0)(:|$)", user);
        Assert.True(final.IndexOf(user) > final.FindIndex(l => l.StartsWith("COPY", StringComparison.Ordinal)), "USER comes after the files are copied");
        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish " + project, StringComparison.Ordinal));
        Assert.Contains(final, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains(entry, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("operator/Dockerfile")]
    [InlineData("sample-api/Dockerfile")]
    public void Bakes_in_no_secret_and_copies_only_files_that_exist(string dockerfile)
    {
        var lines = Instructions(dockerfile);

        Assert.DoesNotContain(lines, l => SecretSetting().IsMatch(l));
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            Assert.All(sources, s => Assert.True(Path.Exists(Path.Combine(Helm.RepoRoot, s)), $"{dockerfile}: {copy}: {s} does not exist"));
        }
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_local_tools_and_secrets()
    {
        var ignored = File.ReadAllLines(Path.Combine(Helm.RepoRoot, ".dockerignore")).Select(l => l.Trim()).ToHashSet();

        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", ".git/", ".tools/", "**/*.env", "**/*.pfx", "**/*.key" }, ignored);
        Assert.DoesNotContain("operator/", ignored);
        Assert.DoesNotContain("sample-api/", ignored);
    }

    /// <summary>The Dockerfile's instructions, continuation lines joined, comments dropped.</summary>
    private static List<string> Instructions(string dockerfile) =>
        [.. File.ReadAllText(Path.Combine(Helm.RepoRoot, dockerfile)).Replace("\\\n", " ", StringComparison.Ordinal)
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [GeneratedRegex(@"^(ENV|ARG)\s.*(PASSWORD|SECRET|TOKEN|API_?KEY|ConnectionStrings)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSetting();
}
