using System.ComponentModel;
using Autotune.KubeApi.Authorization;
using Xunit;

namespace Autotune.Charts.Tests;

/// <summary>helm for the tests: skips the test, with the reason, only when no helm is found and none can be installed.</summary>
internal static class ChartHelm
{
    public static async Task RequireAsync()
    {
        try
        {
            await Helm.LocateAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or HttpRequestException or IOException)
        {
            Assert.Skip($"helm 3 is not on PATH nor in .tools/bin and could not be installed (run scripts/setup.sh): {e.Message}");
        }
    }

    public static async Task<HelmResult> RunAsync(IEnumerable<string> arguments)
    {
        await RequireAsync();
        return await Helm.RunAsync(arguments, TestContext.Current.CancellationToken);
    }

    public static async Task<string> TemplateAsync(string chart, string release, string @namespace, IEnumerable<string>? setValues = null)
    {
        await RequireAsync();
        return await Helm.TemplateAsync(chart, release, @namespace, setValues, cancellationToken: TestContext.Current.CancellationToken);
    }
}
