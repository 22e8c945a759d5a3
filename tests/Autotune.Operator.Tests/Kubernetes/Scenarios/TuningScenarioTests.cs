using Autotune.Engine.Decisions;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Autotune.Operator.Tests.LocalMode;
using k8s;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// The operator end to end on the in-process API server: real sample-API processes as the pods, a real PostgreSQL,
/// the controller with the Kubernetes ports. Assertions are on status, the ConfigMap and what the pods report,
/// never on latencies. One at a time with the local-mode load tests: each loads this machine on purpose.
/// </summary>
[Collection(LocalModeCollection.Name)]
public sealed class TuningScenarioTests
{
    [Fact]
    public async Task An_ApiTuning_becomes_Ready_with_observed_metrics_and_Recommend_changes_nothing_but_status()
    {
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: true);
        await stack.StartLoadAsync(concurrency: 48);
        stack.StartOperator();
        var before = await stack.Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(ScenarioStack.Target, stack.Namespace, cancellationToken: TestContext.Current.CancellationToken);

        await stack.Cluster.ApplyAsync("orders", stack.Spec("\"threadPoolMinThreads\": { \"min\": 2, \"max\": 256 }", mode: "Recommend"));
        var ready = await stack.StatusAsync("orders", r => r.Status?.Observed?.Rps > 0 && r.Status.Recommended?.ThreadPoolMinThreads is not null, "Ready with observed metrics and a recommendation");

        var status = ready.Status!;
        Assert.Equal(ConditionStatus.True, status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Status);
        Assert.Equal(ConditionStatus.True, status.Conditions.Single(c => c.Type == ConditionTypes.MetricsAvailable).Status);
        Assert.Equal((1L, 1), (status.ObservedGeneration, status.Observed!.Pods));
        Assert.Equal(1, status.Current?.Replicas);
        Assert.True(status.Recommended!.ThreadPoolMinThreads > 2, $"recommended {status.Recommended.ThreadPoolMinThreads}");
        var after = await stack.Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(ScenarioStack.Target, stack.Namespace, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(before.Metadata.Generation, after.Metadata.Generation);
        Assert.Null(await stack.ConfigMapTuningAsync("orders"));
    }

    [Fact]
    public async Task Starvation_raises_minimum_threads_through_the_ConfigMap_and_every_pod_reports_the_new_generation()
    {
        await using var stack = await ScenarioStack.StartAsync(replicas: 2, blocking: true);
        await stack.StartLoadAsync(concurrency: 48);
        stack.StartOperator();

        await stack.Cluster.ApplyAsync("orders", stack.Spec("\"threadPoolMinThreads\": { \"min\": 2, \"max\": 256 }"));
        var raised = await stack.StatusAsync("orders", r => r.Status?.LastDecision?.Reason == DecisionReasons.RaiseMinThreads, "a RaiseMinThreads decision", TimeSpan.FromSeconds(240));
        var tuning = await Eventually.UntilAsync(() => stack.ConfigMapTuningAsync("orders"), t => t is not null, TimeSpan.FromSeconds(30), "the tuning ConfigMap");
        var generations = await Eventually.UntilAsync(
            stack.ReportedGenerationsAsync,
            g => g.Count == 2 && g.All(x => x == tuning!.Generation),
            TimeSpan.FromSeconds(120),
            $"both pods reporting tuning generation {tuning!.Generation}");

        Assert.Equal(raised.Status!.LastDecision!.To, tuning.ThreadPoolMinThreads);
        Assert.True(tuning.ThreadPoolMinThreads > 2, $"minimum threads {tuning.ThreadPoolMinThreads}");
        Assert.Equal(ThreadStarvation, raised.Status.LastDecision.Bottleneck?.ToString());
        Assert.Equal(2, generations.Count);
        Assert.Contains(stack.Results, r => r == Autotune.Operator.Kubernetes.Controller.ReconcileResult.Acted);
    }

    private const string ThreadStarvation = "ThreadStarvation";
}
