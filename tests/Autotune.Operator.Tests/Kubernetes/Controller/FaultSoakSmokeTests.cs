using Autotune.Operator.Kubernetes.Controller;
using Autotune.OperatorBench;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>
/// The fault soak (bench/Autotune.OperatorBench --faults) at a small scale: each kind of fault reaches the operator
/// (API-server faults, metrics endpoints that hang, leadership lost, the operator killed and restarted), nothing is
/// written twice or by an instance that does not lead, and every ApiTuning recovers.
/// </summary>
public sealed class FaultSoakSmokeTests
{
    [Fact]
    public async Task Under_API_faults_hanging_metrics_lost_leadership_and_a_kill_every_ApiTuning_recovers_and_nothing_is_changed()
    {
        var options = new BenchOptions
        {
            Tunings = 20,
            Namespaces = 2,
            WindowSeconds = 10,
            ScrapesPerWindow = 5,
            FaultSeconds = 20,
            FaultEverySeconds = 2,
            Deadline = TimeSpan.FromMinutes(8),
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
        Assert.Equal((0, 0), (result.Changes, result.MostWritesPerTarget));
        Assert.Contains("| Every ApiTuning had a good pass", report, StringComparison.Ordinal);

        // Hanging metrics endpoints: every scrape of them was given up within the scrape timeout (2 s), it held the
        // hung ApiTunings (no starvation move), and the others kept passing throughout.
        var hang = result.Hang;
        Assert.True(hang.HungScrapes > 0 && hang.HungScrapeErrors > 0, report);
        Assert.True(hang.LongestHeld < TimeSpan.FromSeconds(4), report);
        Assert.Equal(0, hang.StillOpen);
        Assert.DoesNotContain(ReconcileResult.Acted, hang.HungResults.Keys);
        Assert.Equal(0, hang.Changes);
        Assert.Equal(hang.Others, hang.OthersWithGoodPass);
        Assert.Equal(hang.MetricsAvailableBefore, hang.MetricsAvailableAfter);

        // Leadership lost: the operator stopped within the renew deadline (10 s) and wrote nothing after, then led again.
        var leadership = result.Leadership;
        Assert.NotNull(leadership.Noticed);
        Assert.True(leadership.Noticed < TimeSpan.FromSeconds(15), report);
        Assert.Equal(0, leadership.WritesAfterNotice);
        Assert.Equal(20, leadership.ReadyAfter);

        // Killed: nothing was written by the killed instance once killed, nor by the new one before its Lease write (once
        // the Lease expired), and it recovered everything.
        var restart = result.Restart;
        Assert.True(restart.WritesWithoutLeader.Count == 0, report);
        Assert.True(restart.NewLeader >= TimeSpan.FromSeconds(5), report);
        Assert.Equal(20, restart.ReadyAfter);
    }
}
