using Autotune.OperatorBench;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>
/// The operator killed for real (bench/Autotune.OperatorBench, <see cref="ProcessKillSoak"/>): the operator in a child
/// process is sent SIGKILL the moment a tuning ConfigMap write of its lands, changes in flight, and a second process
/// takes over once the Lease expires. Nothing is lost, applied twice or written without the Lease (what the killed
/// process sent before the kill may land after it, while its Lease still runs).
/// </summary>
public sealed class ProcessKillSoakTests
{
    [Fact]
    public async Task An_operator_process_killed_mid_change_leaves_nothing_half_done_for_the_process_that_takes_over()
    {
        var options = new BenchOptions
        {
            Tunings = 10,
            Namespaces = 2,
            WindowSeconds = 10,
            ScrapesPerWindow = 5,
            ChangingEvery = 2,
            KillAfterWrites = 5,
            Deadline = TimeSpan.FromMinutes(5),
        };

        var result = await ProcessKillSoak.RunAsync(options, _ => { }, TestContext.Current.CancellationToken);
        var audit = result.Audit;
        var report = $"{audit.Summary()}; in flight at the kill {result.ChangesInFlight}; landed after the kill: {string.Join("; ", result.LandedAfterKill)}; without a leader: {string.Join("; ", result.WritesWithoutLeader)}";

        // Both processes made changes, and the kill came with one just written.
        Assert.Equal(5, audit.Targets);
        Assert.True(audit.Writes.GetValueOrDefault("autotune-child-a") > options.KillAfterWrites, report);
        Assert.True(audit.Writes.GetValueOrDefault("autotune-child-b") > 0, report);
        Assert.True(result.ChangesInFlight > 0, report);

        // Nothing half-done, nothing twice, nothing without the Lease, and everything agrees at the end.
        Assert.True(audit.DecisionsWithoutWrite.Count == 0, report);
        Assert.True(audit.WritesWithoutDecision.Count == 0, report);
        Assert.True(audit.EventsWithoutStatus.Count == 0, report);
        Assert.True(audit.GenerationsWrittenTwice.Count == 0 && audit.Rewrites.Count == 0 && audit.RepeatedMoves.Count == 0, report);
        Assert.True(result.WritesWithoutLeader.Count == 0, report);
        Assert.True(audit.Disagreeing.Count == 0, report);
    }
}
