using Autotune.Operator.Kubernetes.Controller;
using Autotune.OperatorBench;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>
/// The fault soak (bench/Autotune.OperatorBench --faults) at a small scale: each kind of fault reaches the operator
/// (API-server faults, metrics endpoints that hang, leadership lost, the operator killed and restarted) while a fifth of
/// the ApiTunings have changes in flight, nothing is written twice or by an instance that does not lead, no change is
/// lost, and every ApiTuning recovers.
/// </summary>
public sealed class FaultSoakSmokeTests
{
    [Fact]
    public async Task Under_API_faults_hanging_metrics_lost_leadership_and_a_kill_every_ApiTuning_recovers_and_every_change_is_made_once_and_recorded()
    {
        var options = new BenchOptions
        {
            Tunings = 20,
            Namespaces = 2,
            WindowSeconds = 10,
            ScrapesPerWindow = 5,
            FaultSeconds = 20,
            FaultEverySeconds = 2,
            ChangingEvery = 5,
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

        // And it recovered: every status Ready again, as before, no loop died, and the faults changed no knob of the
        // ApiTunings whose metrics ask for no change.
        Assert.Equal((20, 20), (result.ReadyBefore, result.ReadyAfter));
        Assert.Empty(result.LoopFailures);
        Assert.Equal((0, 0), (result.Changes, result.MostWritesPerTarget));

        // The four ApiTunings asking for changes got them throughout, some of them in flight during the faults (written
        // while the API faults were injected, or not yet confirmed when the Lease was taken or the operator killed).
        var audit = result.Audit;
        Assert.Equal(4, audit.Targets);
        Assert.True(audit.TotalWrites >= audit.Targets && audit.Decisions >= audit.TotalWrites, report);
        Assert.True(result.ChangeWritesDuringFaults + result.Leadership.ChangesInFlight + result.Restart.ChangesInFlight > 0, report);

        // Nothing half-done: every decision status or an Event recorded has its ConfigMap write, every write its decision
        // in status, no change applied twice (a generation with two contents, a file written again, a move repeated),
        // and at the end status, the ConfigMaps and the pods agree on minimum threads.
        Assert.True(audit.DecisionsWithoutWrite.Count == 0, report);
        Assert.True(audit.WritesWithoutDecision.Count == 0, report);
        Assert.True(audit.EventsWithoutStatus.Count == 0, report);
        Assert.True(audit.GenerationsWrittenTwice.Count == 0 && audit.Rewrites.Count == 0 && audit.RepeatedMoves.Count == 0, report);
        Assert.True(audit.Disagreeing.Count == 0, report);
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
