using Autotune.KubeApi.Authorization;
using Autotune.KubeApi.Cli;
using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>The real kubectl and helm binaries pointed at a fresh test server: what a user types, run as typed.</summary>
internal sealed class RealClients : IAsyncDisposable
{
    private RealClients(TestCluster cluster, KubeConfigFile config)
    {
        Cluster = cluster;
        Config = config;
    }

    public TestCluster Cluster { get; }

    public KubeConfigFile Config { get; }

    /// <summary>A fresh server and kubeconfig; skips the test, saying why, when kubectl is not on PATH.</summary>
    public static async Task<RealClients> StartAsync()
    {
        if (Kubectl.Locate() is null)
        {
            Assert.Skip("kubectl is not on PATH: the real-client tests run the kubectl binary");
        }

        var cluster = await TestCluster.StartAsync();
        return new RealClients(cluster, KubeConfigFile.For(cluster.Server.Url, @namespace: cluster.Namespace));
    }

    /// <summary>Skips the test, saying why, when no helm 3 can be found or installed.</summary>
    public static async Task RequireHelmAsync()
    {
        try
        {
            await Helm.LocateAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or PlatformNotSupportedException or System.ComponentModel.Win32Exception)
        {
            Assert.Skip($"helm 3 is not on PATH nor in .tools/bin and could not be installed (run scripts/setup.sh): {e.Message}");
        }
    }

    /// <summary>kubectl with these arguments; the result, whatever its exit code.</summary>
    public Task<CliResult> KubectlAsync(params string[] arguments) =>
        Kubectl.RunAsync(Config, arguments, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>kubectl reading <paramref name="input"/> on stdin.</summary>
    public Task<CliResult> KubectlWithInputAsync(string input, params string[] arguments) =>
        Kubectl.RunAsync(Config, arguments, input, TestContext.Current.CancellationToken);

    /// <summary>kubectl that must succeed: its output.</summary>
    public async Task<string> KubectlOkAsync(params string[] arguments)
    {
        var result = await KubectlAsync(arguments);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', arguments)}: {result}");
        return result.Output;
    }

    /// <summary>helm with these arguments against the server.</summary>
    public async Task<HelmResult> HelmAsync(params string[] arguments) =>
        await Helm.RunAsync([.. arguments, "--kubeconfig", Config.Path], TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Config.Dispose();
        await Cluster.DisposeAsync();
    }
}
