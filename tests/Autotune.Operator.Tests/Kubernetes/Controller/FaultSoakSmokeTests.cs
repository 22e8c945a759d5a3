using System.Globalization;
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

        // Each check names itself ahead of the whole report, so a failure says which one failed in its first line.
        void Expect(bool ok, string what) => Assert.True(ok, $"{what}{Environment.NewLine}{report}");

        // The faults reached the operator: refused answers, failed watches, and re-lists after the compactions.
        Expect(result.Answered.GetValueOrDefault(500) > 0, "no 500 was answered during the faults");
        Expect(result.Answered.GetValueOrDefault(409) > 0, "no 409 was answered during the faults");
        Expect(result.WatchFailures.Where(f => f.Key.StartsWith("apitunings ", StringComparison.Ordinal)).Sum(f => f.Value) > 0, "no ApiTuning watch failed");
        Expect(result.ListsDuringFaults.GetValueOrDefault("apitunings") >= 1, "ApiTunings were not listed again during the faults");

        // And it recovered: every status Ready again, as before, no loop died, and the faults changed no knob of the
        // ApiTunings whose metrics ask for no change.
        Expect((result.ReadyBefore, result.ReadyAfter) == (20, 20), $"Ready before, after: {result.ReadyBefore}, {result.ReadyAfter} of 20");
        Expect(result.LoopFailures.Count == 0, "a loop failed");
        Expect((result.Changes, result.MostWritesPerTarget) == (0, 0), $"knob changes for ApiTunings asking for none: {result.Changes}");

        // The four ApiTunings asking for changes got them throughout, some of them in flight during the faults (written
        // while the API faults were injected, or not yet confirmed when the Lease was taken or the operator killed).
        var audit = result.Audit;
        Expect(audit.Targets == 4, $"ApiTunings asking for changes: {audit.Targets}, not 4");
        Expect(audit.TotalWrites >= audit.Targets && audit.Decisions >= audit.TotalWrites, $"writes {audit.TotalWrites}, decisions {audit.Decisions} for {audit.Targets} targets");
        Expect(result.ChangeWritesDuringFaults + result.Leadership.ChangesInFlight + result.Restart.ChangesInFlight > 0, "no change was in flight during any fault");

        // Nothing half-done: every decision status or an Event recorded has its ConfigMap write, every write its decision
        // in status, no change applied twice (a generation with two contents, a file written again, a move repeated),
        // and at the end status, the ConfigMaps and the pods agree on minimum threads.
        Expect(audit.DecisionsWithoutWrite.Count == 0, "a decision has no ConfigMap write");
        Expect(audit.WritesWithoutDecision.Count == 0, "a ConfigMap write has no decision in status");
        Expect(audit.EventsWithoutStatus.Count == 0, "a decision Event has no decision in status");
        Expect(audit.GenerationsWrittenTwice.Count == 0 && audit.Rewrites.Count == 0 && audit.RepeatedMoves.Count == 0, "a change was applied twice");
        Expect(audit.Disagreeing.Count == 0, "status, ConfigMaps and pods disagree on minimum threads at the end");
        Expect(report.Contains("| Every ApiTuning had a good pass", StringComparison.Ordinal), "no line on every ApiTuning's good pass");

        // Hanging metrics endpoints: every scrape of them was given up within the scrape timeout (2 s), it held the
        // hung ApiTunings (no starvation move), and the others kept passing throughout.
        var hang = result.Hang;
        Expect(hang.HungScrapes > 0 && hang.HungScrapeErrors > 0, "no hung scrape was given up");
        Expect(hang.LongestHeld < TimeSpan.FromSeconds(4), $"a hung scrape was held {hang.LongestHeld.TotalSeconds:F2} s");
        Expect(hang.StillOpen == 0, $"{hang.StillOpen} hung scrape(s) still open at the end");
        Expect(!hang.HungResults.ContainsKey(ReconcileResult.Acted), "a hung ApiTuning acted");
        Expect(hang.Changes == 0, $"{hang.Changes} knob change(s) during the hang");
        Expect(hang.Others == hang.OthersWithGoodPass, $"{hang.OthersWithGoodPass} of {hang.Others} other ApiTunings had a good pass during the hang");
        Expect(hang.MetricsAvailableBefore == hang.MetricsAvailableAfter, $"MetricsAvailable before, after: {hang.MetricsAvailableBefore}, {hang.MetricsAvailableAfter}");

        // Leadership lost: the operator stopped before the intruder's Lease could have expired (15 s from its first
        // stored write; the renew deadline of 10 s plus a 2 s retry period is the usual 12 s), wrote nothing after, then
        // led again.
        var leadership = result.Leadership;
        Expect(leadership.Noticed is { } noticed && noticed < TimeSpan.FromSeconds(15), $"the lost Lease was noticed after {leadership.Noticed?.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) ?? "never"} s");
        Expect(leadership.WritesAfterNotice == 0, $"{leadership.WritesAfterNotice} write(s) after the lost Lease was noticed");
        Expect(leadership.ReadyAfter == 20, $"Ready after the Lease came back: {leadership.ReadyAfter} of 20");

        // Killed: nothing was written by the killed instance once killed, nor by the new one before its Lease write (once
        // the Lease expired), and it recovered everything.
        var restart = result.Restart;
        Expect(restart.WritesWithoutLeader.Count == 0, "a write was made without a leader around the kill");
        Expect(restart.NewLeader >= TimeSpan.FromSeconds(5), $"the new instance led {restart.NewLeader.TotalSeconds:F1} s after the kill, before the Lease expired");
        Expect(restart.ReadyAfter == 20, $"Ready after the kill: {restart.ReadyAfter} of 20");
    }
}
