using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>
/// Every status write has its own deadline: an ApiTuning whose status the API server holds costs a worker no more
/// than that, so the others keep being reconciled and reported, and its own status lands once the server answers.
/// </summary>
public sealed class StatusWriteDeadlineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Status_writes_that_hang_for_one_ApiTuning_hold_up_no_other_and_its_status_lands_once_the_server_answers()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var statusPath = $"/apis/{ApiTuningResource.Group}/{ApiTuningResource.Version}/namespaces/{cluster.Namespace}/{ApiTuningResource.Plural}/slow/status";
        var hang = cluster.Server.Faults.DelayNext(10_000, "PATCH", statusPath, TimeSpan.FromMinutes(10));

        // One worker: without a deadline, the first status write of slow would hold it (and every other pass) for 10 minutes.
        await using var run = ControllerTests.ControllerRun.Start(cluster, new FakePorts(), workers: 1, statusWriteTimeout: TimeSpan.FromSeconds(1));
        string[] others = ["orders", "carts", "users"];
        foreach (var name in others.Prepend("slow"))
        {
            await cluster.ApplyAsync(name, ControllerTests.Valid);
        }

        // Two windows of passes for every other ApiTuning while slow's status writes time out, and their status is written.
        var timeouts = run.Metrics.StatusWriteTimeouts.WithLabels("status");
        await Eventually.UntilAsync(
            () => timeouts.Value >= 2 && others.All(n => run.Passes.Count(p => p.Key == $"{cluster.Namespace}/{n}" && p.Result == ReconcileResult.Held) >= 2),
            Patience, "two held passes of every other ApiTuning while slow's status writes time out");
        foreach (var name in others)
        {
            var status = (await cluster.GetApiTuningAsync(name)).Status;
            Assert.Equal(ConditionStatus.True, status?.Conditions.Single(c => c.Type == ConditionTypes.Ready).Status);
        }

        // slow was reconciled too (its passes end held, their outcome pending), but nothing of it is stored yet.
        Assert.True(run.Passes.Count(p => p.Key == $"{cluster.Namespace}/slow" && p.Result == ReconcileResult.Held) >= 1);
        Assert.Null((await cluster.GetApiTuningAsync("slow")).Status);
        Assert.True(hang.Remaining < 10_000);

        // The server answers again: slow's next pass writes the status that waited.
        cluster.Server.Faults.Clear();
        var landed = await Eventually.UntilAsync(() => cluster.GetApiTuningAsync("slow"), r => r.Status is not null, Patience, "slow's status once the server answers");
        Assert.Equal(1, landed.Status!.ObservedGeneration);
        Assert.Equal(ConditionStatus.True, landed.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Status);
        Assert.Contains(landed.Status.Conditions, c => c.Type == ConditionTypes.MetricsAvailable);
        Assert.Equal(0, run.Metrics.StatusWriteTimeouts.WithLabels("event").Value);
    }
}
