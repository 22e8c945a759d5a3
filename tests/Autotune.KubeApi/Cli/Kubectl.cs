using System.Diagnostics;
using Autotune.KubeApi.Authorization;

namespace Autotune.KubeApi.Cli;

/// <summary>
/// The real kubectl (the one on PATH) run against a test server through a <see cref="KubeConfigFile"/>, from the
/// repository root so that paths such as crds/apituning.yaml read as they do in the README.
/// </summary>
public static class Kubectl
{
    /// <summary>The kubectl on PATH, or null.</summary>
    public static string? Locate() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs kubectl with <paramref name="arguments"/> (given <paramref name="input"/> on stdin) to its end.</summary>
    public static Task<CliResult> RunAsync(KubeConfigFile config, IEnumerable<string> arguments, string? input = null, CancellationToken cancellationToken = default) =>
        CliProcess.RunAsync(StartInfo(config, arguments), input, cancellationToken);

    /// <summary>Starts kubectl that keeps running (get -w), to read its lines as they come.</summary>
    public static CliStream Start(KubeConfigFile config, IEnumerable<string> arguments) => new(StartInfo(config, arguments));

    private static ProcessStartInfo StartInfo(KubeConfigFile config, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Locate() ?? throw new FileNotFoundException("kubectl is not on PATH"))
        {
            WorkingDirectory = Helm.RepoRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--kubeconfig=" + config.Path);
        start.ArgumentList.Add("--cache-dir=" + config.CacheDirectory);
        start.Environment["KUBECONFIG"] = config.Path;
        return start;
    }
}
