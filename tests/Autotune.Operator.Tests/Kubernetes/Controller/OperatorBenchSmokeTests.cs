using Autotune.OperatorBench;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>The operator benchmark (bench/Autotune.OperatorBench) at a small scale: it runs and produces every number.</summary>
public sealed class OperatorBenchSmokeTests
{
    [Fact]
    public async Task A_small_run_measures_memory_durations_lists_and_requests_per_pass()
    {
        var options = new BenchOptions
        {
            Tunings = 20,
            Namespaces = 2,
            WindowSeconds = 10,
            ScrapesPerWindow = 5,
            Passes = 2,
            SteadyAtLeast = TimeSpan.FromSeconds(5),
            Deadline = TimeSpan.FromMinutes(2),
            InProcess = true,
        };

        var result = await BenchRun.RunAsync(options, _ => { }, TestContext.Current.CancellationToken);
        var report = BenchReport.Format(result, "smoke");

        Assert.True(result.Final.Timed >= 40, $"{result.Final.Timed} timed passes");
        Assert.True(result.Final.P99Ms > 0 && result.Final.P99Ms >= result.Final.P50Ms);
        Assert.True(result.SteadyPasses >= 20, $"{result.SteadyPasses} steady passes");
        Assert.True(result.RssBytes > 0);
        Assert.True(result.Scrapes > 0);
        // Behaviour, not speed: once the caches are filled nothing is listed, and an unchanged pass asks little.
        Assert.Equal(0, result.SteadyLists);
        Assert.InRange(result.RequestsPerPass, 0.5, 2.0);
        Assert.Contains("| LIST calls per steady-state minute", report, StringComparison.Ordinal);
    }
}
