using Autotune.OperatorBench;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>The fault soak (bench/Autotune.OperatorBench --faults) at a small scale: the faults reach the operator and every ApiTuning recovers.</summary>
public sealed class FaultSoakSmokeTests
{
    [Fact]
    public async Task Under_500s_409s_cut_watches_and_compactions_every_ApiTuning_recovers_and_nothing_is_changed()
    {
        var options = new BenchOptions
        {
            Tunings = 20,
            Namespaces = 2,
            WindowSeconds = 10,
            ScrapesPerWindow = 5,
            FaultSeconds = 20,
            FaultEverySeconds = 2,
            Deadline = TimeSpan.FromMinutes(4),
            InProcess = true,
        };

        var result = await FaultSoak.RunAsync(options, _ => { }, TestContext.Current.CancellationToken);
        var report = FaultSoakReport.Format(result, "smoke");

        // The faults reached the operator: refused answers, failed watches, and re-lists after the compactions.
        Assert.True(result.Answered.GetValueOrDefault(500) > 0, report);
        Assert.True(result.Answered.GetValueOrDefault(409) > 0, report);
        Assert.True(result.WatchFailures.Where(f => f.Key.StartsWith("apitunings ", StringComparison.Ordinal)).Sum(f => f.Value) > 0, report);
        Assert.True(result.ListsDuringFaults.GetValueOrDefault("apitunings") >= 1, report);

        // And it recovered: every status Ready again, as before, no loop died, and the faults changed no knob.
        Assert.Equal((20, 20), (result.ReadyBefore, result.ReadyAfter));
        Assert.Empty(result.LoopFailures);
        Assert.Equal(0, result.Changes);
        Assert.Contains("| Every ApiTuning had a good pass", report, StringComparison.Ordinal);
    }
}
