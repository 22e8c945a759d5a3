using System.Collections.Concurrent;
using Autotune.Engine.Decisions;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Autotune.Operator.Tests.LocalMode;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// The operator end to end under what a cluster does to it: two ApiTunings spending one database, watches dropped
/// and expired in the middle of a change, and the operator itself restarted between applying a change and recording
/// it. Real sample-API processes as the pods, a real PostgreSQL; assertions on status, Events, the tuning ConfigMap,
/// the API server's request log and the real server, never on latencies.
/// </summary>
[Collection(LocalModeCollection.Name)]
public sealed class FaultScenarioTests
{
    private const string TuningsPath = "/apis/autotune.dev/v1alpha1/namespaces/*/apitunings";
    private const string StatusPath = TuningsPath + "/*/status";
    private const string PoolKnob = "\"dbMaxPoolSize\": { \"min\": 2, \"max\": 40 }";
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Two_ApiTunings_sharing_one_database_never_exceed_it_together()
    {
        // 24 connections: 3 superuser-reserved, the operator's admin connections and 2 the users keep free; the two
        // APIs start with 1 x 4 and 2 x 4 and both ask for more than the rest.
        const string Billing = "billing-api";
        const int Reserved = 2;
        const int StartPool = 4;
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: false, maxConnections: 24, poolSize: StartPool);
        await stack.AddTargetAsync(Billing, replicas: 2);
        await stack.CreateAdminSecretAsync();
        await stack.StartLoadAsync(concurrency: 24);
        await stack.StartLoadAsync(Billing, concurrency: 32);
        stack.StartOperator();
        var postgres = $$""", "postgres": { "adminSecretRef": { "name": "pg-admin" }, "reservedConnections": {{Reserved}} }""";
        await stack.Cluster.ApplyAsync("orders", stack.Spec(PoolKnob, extra: postgres));
        await stack.Cluster.ApplyAsync("billing", stack.SpecFor(Billing, PoolKnob, extra: postgres));

        var samples = new ConcurrentQueue<string>();
        var violations = new ConcurrentQueue<string>();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var sampler = Task.Run(async () =>
        {
            // Ends only in the delay's cancellation, so a sampler that stopped any other way fails the test.
            while (true)
            {
                var db = await stack.DatabaseSampleAsync();
                var orders = (await stack.ReplicasAsync(ScenarioStack.Target), (await stack.ConfigMapTuningAsync("orders"))?.DbMaxPoolSize ?? StartPool);
                var billing = (await stack.ReplicasAsync(Billing), (await stack.ConfigMapTuningAsync("billing"))?.DbMaxPoolSize ?? StartPool);
                var held = (orders.Item1 * orders.Item2) + (billing.Item1 * billing.Item2);
                var reserved = db.SuperuserReserved + db.AdminConnections + Reserved;
                var line = $"orders {orders.Item1}x{orders.Item2} + billing {billing.Item1}x{billing.Item2} = {held}, reserved {reserved} "
                    + $"({db.SuperuserReserved} superuser, {db.AdminConnections} admin, {Reserved} declared), max_connections {db.MaxConnections}, API connections open {db.ApiConnections}";
                samples.Enqueue(line);
                if (held + reserved > db.MaxConnections || db.ApiConnections + reserved > db.MaxConnections)
                {
                    violations.Enqueue(line);
                }

                await Task.Delay(100, sampling.Token);
            }
        }, sampling.Token);

        // Until a pool has been raised and one of them says the budget limited it, then one more pass of each on what
        // the other then holds.
        var limited = await Eventually.UntilAsync(
            async () => new[] { await stack.Cluster.GetApiTuningAsync("orders"), await stack.Cluster.GetApiTuningAsync("billing") },
            both => both.Any(SaysTheBudgetLimitedIt) && both.Any(s => s.Status?.History.Any(r => r.Reason == DecisionReasons.RaisePool) == true),
            DecisionTimeout,
            "a raised pool and a status saying the connection budget limited a pool");
        var passes = stack.Results.Count;
        await Eventually.UntilAsync(() => stack.Results.Count >= passes + 2 || sampler.IsCompleted, TimeSpan.FromSeconds(30), "a further pass of each");
        await sampling.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sampler);

        Assert.True(violations.IsEmpty, $"over max_connections at {violations.Count} of {samples.Count} samples, first: {violations.FirstOrDefault()}");
        Assert.True(samples.Count >= 20, $"only {samples.Count} samples");
        Assert.Contains(limited, s => s.Status!.History.Any(r => r.Reason == DecisionReasons.RaisePool));
        var events = (await stack.EventsAsync("orders")).Concat(await stack.EventsAsync("billing")).ToList();
        Assert.Contains(events, e => e.Reason == DecisionReasons.BudgetExhausted || (e.Reason == DecisionReasons.RaisePool && e.Note.Contains("the budget allows", StringComparison.Ordinal)));
        Assert.Contains(limited, SaysTheBudgetLimitedIt);
    }

    [Fact]
    public async Task A_dropped_watch_and_a_410_mid_change_recover_without_applying_any_change_twice()
    {
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: false, poolSize: 2);
        var files = stack.TrackTuningFiles("orders");
        await stack.StartLoadAsync(concurrency: 24);
        var controller = stack.StartOperator(o => o with { WatchBackoffMax = TimeSpan.FromSeconds(2) });
        await stack.Cluster.ApplyAsync("orders", stack.Spec(PoolKnob));
        await stack.StatusAsync("orders", r => r.Status?.LastDecision?.Reason == DecisionReasons.RaisePool && IsTuning(r), "the first RaisePool in flight", DecisionTimeout);

        // Every watch is cut. The ApiTuning watch's reconnects are refused (500) until the operator has made its next
        // change and had a pass after it on its cached ApiTuning (older than the status it wrote itself); then its
        // resourceVersion has expired (410). The Deployment watch's reconnect is answered 410 at once.
        var listsBefore = stack.Cluster.Server.Requests.Count("list", "/apitunings");
        stack.Cluster.Server.Faults.FailNext(10_000, "GET", TuningsPath, 500);
        stack.Cluster.Server.Faults.FailNext(1, "GET", "/apis/apps/v1/namespaces/*/deployments", 410);
        stack.Cluster.Server.Faults.DropWatches();
        var faulted = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(
            () =>
            {
                var results = stack.Results.ToList();
                var acted = results.Select((r, i) => (r, i)).Where(x => x.r == ReconcileResult.Acted).Skip(1).Select(x => x.i + 1).FirstOrDefault();
                return acted > 0 && results.Count > acted;
            },
            DecisionTimeout,
            "a second change and a pass after it while the ApiTuning watch is down");
        Assert.Equal(listsBefore, stack.Cluster.Server.Requests.Count("list", "/apitunings"));
        stack.Cluster.Server.Faults.Clear();
        stack.Cluster.Server.Faults.FailNext(1, "GET", TuningsPath, 410);

        await Eventually.UntilAsync(() => stack.Cluster.Server.Requests.Count("list", "/apitunings") > listsBefore, TimeSpan.FromSeconds(30), "the ApiTunings listed again after the 410");
        var relisted = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(
            () => stack.Cluster.Server.Requests.Records.Any(r => r.Verb == "patch" && r.Path.EndsWith("/status", StringComparison.Ordinal) && r.Status == 200 && r.Time > relisted),
            DecisionTimeout,
            "a status write after the watch recovered");
        await stack.StopOperatorAsync();

        var status = (await stack.Cluster.GetApiTuningAsync("orders")).Status!;
        var changes = status.History.Where(r => r.Kind is DecisionKind.Change or DecisionKind.Rollback).Reverse().ToList();
        var written = files.ToList();
        var requests = stack.Cluster.Server.Requests.Records;
        var configMapWrites = requests.Count(r => r.Path.EndsWith("/configmaps/orders-autotune", StringComparison.Ordinal) && r.Verb == "patch" && r.Status == 200)
            + requests.Count(r => r.Path.EndsWith("/configmaps", StringComparison.Ordinal) && r.Verb == "create" && r.Status == 201);
        var events = await stack.EventsAsync("orders");
        var actionEvents = events.Where(e => e.Reason is DecisionReasons.RaisePool or DecisionReasons.ShrinkPool or DecisionReasons.Rollback or DecisionReasons.GiveBackCapacity).ToList();

        var refused = requests.Where(r => r.Verb == "watch" && r.Path.EndsWith("/apitunings", StringComparison.Ordinal) && r.Status != 200 && r.Time > faulted).Select(r => r.Status).ToList();
        Assert.Equal([500, 410], refused.Distinct());
        Assert.Equal(410, refused[^1]);
        Assert.Contains(requests, r => r.Verb == "watch" && r.Path.EndsWith("/deployments", StringComparison.Ordinal) && r.Status == 410 && r.Time > faulted);
        Assert.True(controller.TuningWatchers.Single().Lists >= 2, "the ApiTunings were listed again after the 410");
        Assert.True(written.Count >= 2, $"{written.Count} tuning files");

        // Each decision reached the ConfigMap once, one generation each, and is told once in history and Events.
        Assert.Equal(Enumerable.Range((int)written[0].Generation, written.Count).Select(g => (long)g), written.Select(f => f.Generation));
        Assert.Equal(written.Count, configMapWrites);
        Assert.Equal(written.Count, changes.Count);
        Assert.Equal(changes.Select(c => c.To), written.Select(f => (int?)f.DbMaxPoolSize));
        Assert.Equal(changes.Count, actionEvents.Count);
        Assert.All(actionEvents, e => Assert.True(e.Series is null || e.Series.Count <= 1, $"{e.Reason} told {e.Series?.Count} times: {e.Note}"));
        Assert.Equal(0, stack.Cluster.Server.Requests.Count("patch", "/scale"));
    }

    [Fact]
    public async Task An_operator_restarted_between_applying_a_change_and_recording_it_resumes_it_without_a_second_step()
    {
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: false, poolSize: 2);
        var files = stack.TrackTuningFiles("orders");
        await stack.StartLoadAsync(concurrency: 24);

        // The moment the first tuning file is committed, the status write that would record it hangs: the operator
        // is stopped with the change applied and not recorded, its pass abandoned.
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stack.Cluster.Server.Store.ObjectChanged += change =>
        {
            if (change.Resource.Plural == "configmaps" && change.Name == KubernetesNames.TuningConfigMap("orders") && applied.TrySetResult())
            {
                stack.Cluster.Server.Faults.DelayNext(1, "PATCH", StatusPath, TimeSpan.FromMinutes(5));
            }
        };
        stack.StartOperator(o => o with { ShutdownGrace = TimeSpan.FromSeconds(2) });
        await stack.Cluster.ApplyAsync("orders", stack.Spec(PoolKnob));
        await applied.Task.WaitAsync(DecisionTimeout, TestContext.Current.CancellationToken);
        await stack.StopOperatorAsync();
        var first = Assert.Single(files);
        var recorded = (await stack.Cluster.GetApiTuningAsync("orders")).Status;
        stack.Cluster.Server.Faults.Clear();

        // A new operator takes over from what status and the cluster show. While the resumed change is in flight the
        // ConfigMap must stay at its generation: nothing is stepped before every pod reports it. Each status write is
        // paired with the tuning file current when it was committed (the store raises its changes in commit order, and
        // a pass writes the ConfigMap before its status), so a status still calling the resumed change in flight after
        // the next step was written is caught, while a status read that merely lags a pass is not.
        var inFlight = new System.Collections.Concurrent.ConcurrentQueue<(string Message, long Generation)>();
        stack.Cluster.Server.Store.ObjectChanged += change =>
        {
            if (change.Resource.Plural == "apitunings" && change.Name == "orders"
                && change.Object["status"]?["conditions"] is System.Text.Json.Nodes.JsonArray conditions
                && conditions.FirstOrDefault(c => (string?)c?["type"] == ConditionTypes.Tuning && (string?)c?["status"] == "True") is { } tuning)
            {
                inFlight.Enqueue(((string?)tuning["message"] ?? "", files.Last().Generation));
            }
        };
        stack.StartOperator();
        var settled = await stack.StatusAsync(
            "orders",
            r => r.Status?.History.Any(h => h.Reason == Autotune.Engine.Decisions.DecisionReasons.ResumedChange) == true
                && (!IsTuning(r) || r.Status.History[0].Reason != Autotune.Engine.Decisions.DecisionReasons.ResumedChange),
            "the resumed change recorded and confirmed",
            DecisionTimeout);

        var history = settled.Status!.History.Reverse().Where(h => h.Knob == Knob.DbMaxPoolSize).ToList();
        var written = files.ToList();
        var events = await stack.EventsAsync("orders");
        Assert.DoesNotContain(recorded?.History ?? [], h => h.Knob == Knob.DbMaxPoolSize);
        var resumed = Assert.Single(history, h => h.To == first.DbMaxPoolSize);
        Assert.Equal(Autotune.Engine.Decisions.DecisionReasons.ResumedChange, resumed.Reason);
        Assert.Equal(history[0], resumed);
        Assert.All(history.Zip(history.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
        Assert.Equal(Enumerable.Range((int)first.Generation, written.Count).Select(g => (long)g), written.Select(f => f.Generation));
        Assert.Equal(history.Select(h => h.To), written.Select(f => (int?)f.DbMaxPoolSize));
        var resumedInFlight = inFlight.Where(t => t.Message.Contains(Autotune.Engine.Decisions.DecisionReasons.ResumedChange, StringComparison.Ordinal)).ToList();
        Assert.All(resumedInFlight, t => Assert.Equal(first.Generation, t.Generation));
        Assert.Single(events, e => e.Reason == DecisionReasons.RaisePool && e.Note.Contains($"-> {first.DbMaxPoolSize}:", StringComparison.Ordinal));
        Assert.Single(events, e => e.Reason == Autotune.Engine.Decisions.DecisionReasons.ResumedChange);
    }

    private static bool IsTuning(ApiTuningResource r) =>
        r.Status?.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Tuning)?.Status == ConditionStatus.True;

    private static bool SaysTheBudgetLimitedIt(ApiTuningResource r) =>
        r.Status is { } s
        && (s.Conditions.Any(c => c.Type == ConditionTypes.BudgetExhausted && c.Status == ConditionStatus.True && c.Reason == DecisionReasons.BudgetExhausted)
            || s.History.Any(h => h.Reason == DecisionReasons.RaisePool && h.Message.Contains("the budget allows", StringComparison.Ordinal)));
}
