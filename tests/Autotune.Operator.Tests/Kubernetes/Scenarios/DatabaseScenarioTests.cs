using Autotune.Engine.Decisions;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Autotune.Operator.Tests.LocalMode;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// The scenarios that involve the database, end to end on the in-process API server with real sample-API pods and a
/// real PostgreSQL: the pool raised through the ConfigMap, max_connections raised through a restart of the database's
/// StatefulSet (or left to the user under restart Never), and replicas added only as far as the connection budget
/// allows. Assertions are on status, Events, the ConfigMap, what the pods report and what the server itself says.
/// </summary>
[Collection(LocalModeCollection.Name)]
public sealed class DatabaseScenarioTests
{
    private const string Name = "orders";
    private const string PoolKnob = "\"dbMaxPoolSize\": { \"min\": 2, \"max\": 40 }";

    // The operator's own admin connection, counted in every connection budget.
    private const int AdminConnections = 1;
    private const int Reserved = 2;
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pool_exhaustion_raises_the_pool_through_the_ConfigMap_and_every_pod_reports_the_new_generation()
    {
        // Two pods on the async data path with a pool of 2 and a 20 ms round trip: 16 requests per pod wait for 2 connections.
        await using var stack = await ScenarioStack.StartAsync(replicas: 2, blocking: false, poolSize: 2);
        var postgres = await stack.AddDatabaseAsync(reservedConnections: Reserved);
        await stack.StartLoadAsync(concurrency: 32);
        stack.StartOperator();

        await stack.Cluster.ApplyAsync(Name, stack.Spec(PoolKnob, extra: postgres));
        var raised = await stack.StatusAsync(Name, r => r.Status?.LastDecision?.Reason == DecisionReasons.RaisePool, "a RaisePool decision", DecisionTimeout);
        var decision = raised.Status!.LastDecision!;
        var tuning = await Eventually.UntilAsync(() => stack.ConfigMapTuningAsync(Name), t => t?.DbMaxPoolSize == decision.To, TimeSpan.FromSeconds(30), $"the ConfigMap with pool {decision.To}");
        var generations = await Eventually.UntilAsync(
            stack.ReportedGenerationsAsync,
            g => g.Count == 2 && g.All(x => x == tuning!.Generation),
            TimeSpan.FromSeconds(60),
            $"both pods reporting tuning generation {tuning!.Generation}");

        Assert.Equal((DecisionKind.Change, Knob.DbMaxPoolSize, 2), (decision.Kind, decision.Knob, decision.From));
        Assert.Equal(Bottleneck.PoolExhaustion, decision.Bottleneck);
        Assert.InRange(tuning.DbMaxPoolSize!.Value, 3, 40);
        Assert.Equal([tuning.Generation, tuning.Generation], generations);
        Assert.Contains(await stack.EventNotesAsync(DecisionReasons.RaisePool), n => n.Contains($"2 -> {decision.To}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_Immediate_raises_max_connections_through_the_StatefulSet_and_the_pool_grows_only_after_SHOW_confirms_it()
    {
        // max_connections 20 - 3 superuser - 1 admin - 2 reserved = 14 for the API: its pool of 14 leaves no headroom.
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: false, maxConnections: 20, poolSize: 14);
        var postgres = await stack.AddDatabaseAsync(restart: "Immediate", reservedConnections: Reserved);
        await stack.StartLoadAsync(concurrency: 40);
        stack.StartOperator();

        await stack.Cluster.ApplyAsync(Name, stack.Spec(PoolKnob + ", \"postgresMaxConnections\": { \"min\": 20, \"max\": 60 }", extra: postgres));
        var grown = await stack.StatusAsync(
            Name,
            r => r.Status?.History.Any(d => d is { Kind: DecisionKind.Change, Reason: DecisionReasons.RaisePool, From: >= 14 }) == true,
            "max_connections raised, then the pool",
            DecisionTimeout);

        var history = grown.Status!.History.Reverse().ToList();
        var raiseMax = Assert.Single(history, d => d.Reason == DecisionReasons.RaiseMaxConnections);
        var raisePool = history.First(d => d.Reason == DecisionReasons.RaisePool);
        Assert.Equal((DecisionKind.Change, 20), (raiseMax.Kind, raiseMax.From));
        Assert.InRange(raiseMax.To!.Value, 21, 60);
        Assert.True(history.IndexOf(raiseMax) < history.IndexOf(raisePool), "max_connections is raised before the pool grows");
        var server = await stack.DatabaseSampleAsync();
        Assert.Equal(raiseMax.To, server.MaxConnections);
        Assert.Equal(1, stack.Kubelet.DatabaseRestarts);
        var statefulSet = await stack.Cluster.Client.AppsV1.ReadNamespacedStatefulSetAsync(ScenarioStack.Database, stack.Namespace, cancellationToken: Ct);
        Assert.True(statefulSet.Spec.Template.Metadata.Annotations?.ContainsKey(KubernetesNames.RestartedAt), "the restart went through the StatefulSet's pod template");

        // The pool grew only as far as the confirmed server allows, and the pod took it.
        Assert.True(raisePool.To > 14, $"the pool went {raisePool.From} -> {raisePool.To}");
        Assert.True(raisePool.To + server.SuperuserReserved + AdminConnections + Reserved <= server.MaxConnections, $"pool {raisePool.To} does not fit max_connections {server.MaxConnections}");
        var tuning = await Eventually.UntilAsync(() => stack.ConfigMapTuningAsync(Name), t => t?.DbMaxPoolSize >= raisePool.To, TimeSpan.FromSeconds(30), $"the ConfigMap with pool {raisePool.To}");
        await Eventually.UntilAsync(stack.ReportedGenerationsAsync, g => g.Count == 1 && g[0] >= tuning!.Generation, TimeSpan.FromSeconds(60), $"the pod reporting generation {tuning!.Generation}");
        var status = (await stack.StatusAsync(Name, r => r.Status?.Current?.PostgresMaxConnections == raiseMax.To, $"status.current.postgresMaxConnections {raiseMax.To}", TimeSpan.FromSeconds(30))).Status!;
        Assert.Equal(ConditionStatus.False, status.Conditions.Single(c => c.Type == ConditionTypes.PendingRestart).Status);
        Assert.Contains(await stack.EventNotesAsync(DecisionReasons.RaiseMaxConnections), n => n.Contains($"20 -> {raiseMax.To}", StringComparison.Ordinal));
        Assert.Contains(await stack.EventNotesAsync("RestartedDatabase"), n => n.Contains($"SHOW max_connections confirms {raiseMax.To}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_Never_leaves_max_connections_and_the_pool_where_the_running_server_allows_and_sets_PendingRestart()
    {
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: false, maxConnections: 20, poolSize: 14);
        var postgres = await stack.AddDatabaseAsync(restart: "Never", reservedConnections: Reserved);
        await stack.StartLoadAsync(concurrency: 40);
        using var sampler = ConnectionSampler.Start(stack);
        stack.StartOperator();

        await stack.Cluster.ApplyAsync(Name, stack.Spec(PoolKnob + ", \"postgresMaxConnections\": { \"min\": 20, \"max\": 60 }", extra: postgres));
        var pending = await stack.StatusAsync(
            Name,
            r => r.Status?.Conditions.Any(c => c is { Type: ConditionTypes.PendingRestart, Status: ConditionStatus.True }) == true,
            "the PendingRestart condition",
            DecisionTimeout);

        // Two more windows: the pool must not grow on a max_connections the server does not run.
        var since = pending.Status!.Observed?.WindowEnd ?? DateTimeOffset.UtcNow;
        var later = (await stack.StatusAsync(Name, r => r.Status?.Observed?.WindowEnd >= since.AddSeconds(20), "two more windows", TimeSpan.FromSeconds(60))).Status!;
        var peak = await sampler.StopAsync();

        TestContext.Current.TestOutputHelper?.WriteLine($"peak: {peak.ApiConnections} API connections on the server, {peak.Replicas} replicas");
        var condition = later.Conditions.Single(c => c.Type == ConditionTypes.PendingRestart);
        Assert.Equal(ConditionStatus.True, condition.Status);
        var wanted = later.History.First(d => d.Reason == DecisionReasons.RaiseMaxConnections);
        Assert.Contains($"max_connections 20 -> {wanted.To}", condition.Message, StringComparison.Ordinal);
        var server = await stack.DatabaseSampleAsync();
        Assert.Equal(20, server.MaxConnections);
        Assert.Equal(0, stack.Kubelet.DatabaseRestarts);
        Assert.DoesNotContain(later.History, d => d is { Reason: DecisionReasons.RaisePool, Kind: DecisionKind.Change });
        Assert.Equal(14, later.Current?.DbMaxPoolSize);
        Assert.True((await stack.ConfigMapTuningAsync(Name))?.DbMaxPoolSize is null or <= 14, "the ConfigMap carries no pool over 14");
        Assert.InRange(peak.ApiConnections, 1, 20 - server.SuperuserReserved - AdminConnections - Reserved);
    }

    [Fact]
    public async Task Cpu_saturation_adds_replicas_only_as_far_as_the_connection_budget_of_the_real_server_allows()
    {
        // Pods with a CPU limit of a twentieth of a core, reads served from the in-process cache once it is warm, a pool
        // of 16 per pod: CPU is the limit. The stand-in kubelet does not enforce the limit (no cgroups), so utilization is
        // what the process used against it: a limit this small is saturated even when the rest of the test run leaves
        // the pod little CPU. max_connections 40 - 3 superuser - 1 admin - 2 reserved = 34 holds two pods of 16,
        // not three, while the spec's budget would allow four.
        const int pool = 16;
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: false, maxConnections: 40, poolSize: pool, container: c =>
        {
            c.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m") } };
            c.Env = [new V1EnvVar { Name = "SampleApi__Demo__SimulatedRoundTripMilliseconds", Value = "0" }, new V1EnvVar { Name = "SampleApi__Cache__LocalEnabled", Value = "true" }];
        });
        var postgres = await stack.AddDatabaseAsync(reservedConnections: Reserved);
        await stack.StartLoadAsync(concurrency: 32);
        using var sampler = ConnectionSampler.Start(stack);
        stack.StartOperator();

        await stack.Cluster.ApplyAsync(Name, stack.Spec("\"replicas\": { \"min\": 1, \"max\": 4 }", extra: postgres));
        var added = await stack.StatusAsync(Name, r => r.Status?.LastDecision?.Reason == DecisionReasons.AddReplicas, "an AddReplicas decision", DecisionTimeout);
        await stack.ReadyPodsAsync(added.Status!.LastDecision!.To!.Value);

        // One more window on the new replicas: what the engine does next must keep within the budget too.
        var since = added.Status.Observed?.WindowEnd ?? DateTimeOffset.UtcNow;
        var later = (await stack.StatusAsync(Name, r => r.Status?.Observed?.WindowEnd >= since.AddSeconds(10), "another window", TimeSpan.FromSeconds(60))).Status!;
        var peak = await sampler.StopAsync();

        TestContext.Current.TestOutputHelper?.WriteLine($"peak: {peak.ApiConnections} API connections on the server, {peak.Replicas} replicas; BudgetExhausted {later.Conditions.Single(c => c.Type == ConditionTypes.BudgetExhausted).Status}");
        var decision = added.Status.LastDecision;
        var server = await stack.DatabaseSampleAsync();
        var capacity = server.MaxConnections - server.SuperuserReserved - AdminConnections - Reserved;
        Assert.Equal((Knob.Replicas, 1, Bottleneck.CpuSaturated), (decision.Knob, decision.From, decision.Bottleneck));
        Assert.Equal(40, server.MaxConnections);
        Assert.InRange(peak.Replicas, 2, 4);
        Assert.True(peak.Replicas * pool <= capacity, $"{peak.Replicas} replicas x pool {pool} > the {capacity} connections max_connections {server.MaxConnections} leaves");
        Assert.InRange(peak.ApiConnections, 1, capacity);
        Assert.Equal(peak.Replicas, later.Current?.Replicas);
    }

    /// <summary>Samples the Deployment's replicas and the API's connections on the real server until stopped, keeping the peaks.</summary>
    private sealed class ConnectionSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private readonly Task<(int Replicas, int ApiConnections)> _run;

        private ConnectionSampler(ScenarioStack stack) => _run = Task.Run(() => RunAsync(stack));

        public static ConnectionSampler Start(ScenarioStack stack) => new(stack);

        public async Task<(int Replicas, int ApiConnections)> StopAsync()
        {
            await _stop.CancelAsync();
            return await _run;
        }

        public void Dispose() => _stop.Dispose();

        private async Task<(int, int)> RunAsync(ScenarioStack stack)
        {
            var (replicas, connections) = (0, 0);
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var deployment = await stack.Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(ScenarioStack.Target, stack.Namespace, cancellationToken: _stop.Token);
                    replicas = Math.Max(replicas, deployment.Spec.Replicas ?? 0);
                    connections = Math.Max(connections, (await stack.DatabaseSampleAsync()).ApiConnections);
                    await Task.Delay(200, _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Npgsql.NpgsqlException)
                {
                    // The server is restarting; the next sample reads it again.
                }
            }

            return (replicas, connections);
        }
    }
}
