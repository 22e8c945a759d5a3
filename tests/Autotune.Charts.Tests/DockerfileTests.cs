using System.Text.Json.Nodes;
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

    /// <summary>
    /// The build stage replayed without Docker: its COPY instructions into a fresh directory (build output left out,
    /// as .dockerignore does), then its RUN instructions there. A file the build needs and the Dockerfile does not copy
    /// (a props file, a project reference) fails the restore or the publish here, not first in a cluster's build.
    /// </summary>
    /// <remarks>
    /// The runtime settings the operator's memory was measured with (bench/results/operator.md) are checked in the
    /// runtimeconfig the image runs, so a change to the project file cannot drop them unnoticed.
    /// </remarks>
    [Theory]
    [InlineData("operator/Dockerfile", "autotune.dll", "System.GC.ConserveMemory=9", "System.GC.RegionSize=1048576", "System.Runtime.TieredPGO=false")]
    [InlineData("sample-api/Dockerfile", "SampleApi.dll")]
    public async Task The_build_stage_publishes_the_entry_point_from_only_the_files_it_copies(string dockerfile, string entry, params string[] settings)
    {
        var lines = Instructions(dockerfile);
        var build = lines.TakeWhile((l, i) => i == 0 || !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var root = Directory.CreateTempSubdirectory("autotune-image-");
        try
        {
            var workdir = Path.Combine(root.FullName, Assert.Single(build, l => l.StartsWith("WORKDIR ", StringComparison.Ordinal))[8..].Trim().TrimStart('/'));
            var output = Path.Combine(root.FullName, "app");
            foreach (var line in build.Skip(1))
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words[0] == "COPY")
                {
                    var target = Path.Combine(workdir, words[^1]);
                    foreach (var source in words[1..^1].Select(w => Path.Combine(Helm.RepoRoot, w)))
                    {
                        CopyContext(source, Directory.Exists(source) || words[^1].EndsWith('/') ? Path.Combine(target, Directory.Exists(source) ? "" : Path.GetFileName(source)) : target);
                    }
                }
                else if (words[0] == "RUN")
                {
                    Assert.Equal("dotnet", words[1]);
                    var arguments = words[2..].Select(w => w == "/app" ? output : w).ToList();
                    var (exit, log) = await DotnetAsync(workdir, arguments);
                    Assert.True(exit == 0, $"{dockerfile}: `{line}` exited {exit}:\n{log}");
                }
            }

            Assert.True(File.Exists(Path.Combine(output, entry)), $"{dockerfile}: the build stage published no {entry}");
            var runtimeConfig = Path.Combine(output, Path.ChangeExtension(entry, ".runtimeconfig.json"));
            Assert.True(File.Exists(runtimeConfig), $"{dockerfile}: {entry} has no runtimeconfig");
            var properties = JsonNode.Parse(await File.ReadAllTextAsync(runtimeConfig, TestContext.Current.CancellationToken))!["runtimeOptions"]!["configProperties"];
            foreach (var setting in settings)
            {
                var (name, value) = (setting.Split('=')[0], setting.Split('=')[1]);
                Assert.True(properties?[name]?.ToJsonString() == value, $"{dockerfile}: the runtimeconfig has {name}={properties?[name]?.ToJsonString() ?? "nothing"}, not {value}");
            }
        }
        finally
        {
            root.Delete(recursive: true);
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

    /// <summary>Copies a file, or a directory's contents without what .dockerignore keeps out of the context.</summary>
    private static void CopyContext(string source, string target)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
            return;
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var directory in Directory.EnumerateDirectories(source).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "TestResults")))
        {
            CopyContext(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }

    private static async Task<(int Exit, string Log)> DotnetAsync(string workdir, IEnumerable<string> arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workdir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["MSBUILDDISABLENODEREUSE"] = "1" },
        };
        foreach (var argument in arguments.Append("-nodeReuse:false"))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The Dockerfile's instructions, continuation lines joined, comments dropped.</summary>
    private static List<string> Instructions(string dockerfile) =>
        [.. File.ReadAllText(Path.Combine(Helm.RepoRoot, dockerfile)).Replace("\\\n", " ", StringComparison.Ordinal)
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [GeneratedRegex(@"^(ENV|ARG)\s.*(PASSWORD|SECRET|TOKEN|API_?KEY|ConnectionStrings)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSetting();
}
