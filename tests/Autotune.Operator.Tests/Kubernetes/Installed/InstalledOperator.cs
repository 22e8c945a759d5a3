using System.Globalization;
using Autotune.KubeApi;
using Autotune.KubeApi.Authorization;
using Autotune.KubeApi.Cli;
using Autotune.KubeApi.Kubelet;
using Autotune.Testing;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Installed;

/// <summary>
/// charts/autotune as helm renders it, for tests that install the operator with the real helm and drive it with the
/// real kubectl: its RBAC as an authoriser, the ServiceAccount token the stand-in kubelet hands the operator's pods,
/// and the kubelet options that run the operator binary for the chart's image.
/// </summary>
internal sealed record InstalledOperator(string HealthPort, RbacAuthorizer Rbac)
{
    public const string SystemNamespace = "autotune-system";

    public const string OperatorToken = "autotune-serviceaccount-token";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The chart rendered with a free health port; skips the test when kubectl or helm is missing.</summary>
    public static async Task<InstalledOperator> RenderAsync()
    {
        if (Kubectl.Locate() is null)
        {
            Assert.Skip("kubectl is not on PATH: this test drives the installed operator with the kubectl binary");
        }

        var healthPort = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        try
        {
            var manifests = await Helm.TemplateAsync("charts/autotune", "autotune", SystemNamespace, [$"healthPort={healthPort}"], cancellationToken: Ct);
            return new InstalledOperator(healthPort, RbacAuthorizer.ForServiceAccount(manifests, SystemNamespace, "autotune"));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            Assert.Skip($"helm 3 is not on PATH nor in .tools/bin and could not be installed (run scripts/setup.sh): {e.Message}");
            throw;
        }
    }

    /// <summary>Gives the operator's ServiceAccount token the chart's RBAC on a server with these options.</summary>
    public KubeApiServerOptions Authorise(KubeApiServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Tokens[OperatorToken] = KubeUser.Of(Rbac);
        return options;
    }

    /// <summary>A kubelet for the operator's namespace only, running the local operator binary for the chart's image.</summary>
    public static KubeletOptions Kubelet(int firstAddress) => new()
    {
        Command = ["false"], // never run: only the operator's namespace gets pods, and they run the mapped image
        Namespace = SystemNamespace,
        Images = new Dictionary<string, IReadOnlyList<string>> { ["ghcr.io/autotune-dev/autotune-operator"] = [Path.Combine(AppContext.BaseDirectory, "autotune")] },
        ServiceAccountTokens = new Dictionary<string, string> { [$"{SystemNamespace}/autotune"] = OperatorToken },
        FirstAddress = firstAddress,
    };

    public static async Task<string> KubectlOkAsync(KubeConfigFile config, string command, StandInKubelet? kubelet = null)
    {
        var result = await Kubectl.RunAsync(config, command.Split(' '), cancellationToken: Ct);
        Assert.True(result.ExitCode == 0, $"kubectl {command}: {result}\nkubelet errors: {string.Join(" | ", kubelet?.Errors ?? [])}");
        return result.Output;
    }

    public static async Task HelmOkAsync(KubeConfigFile config, string command)
    {
        var result = await Helm.RunAsync([.. command.Split(' '), "--kubeconfig", config.Path], Ct);
        Assert.True(result.ExitCode == 0, $"helm {command}: {result.Error}\n{result.Output}");
    }
}
