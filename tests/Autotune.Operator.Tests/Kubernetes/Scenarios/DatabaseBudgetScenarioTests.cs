using System.Collections.Concurrent;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Autotune.Operator.Tests.LocalMode;
using k8s;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// A DatabaseBudget end to end: two ApiTunings on one real PostgreSQL, both under more load than the server's
/// connections can serve, arbitrated by weight. Real sample-API processes as the pods, the operator under the chart's
/// RBAC, the real server's pg_stat_activity sampled throughout, and the allocation read as the Table kubectl get prints.
/// </summary>
[Collection(LocalModeCollection.Name)]
public sealed class DatabaseBudgetScenarioTests
{
    private const string PoolKnob = "\"dbMaxPoolSize\": { \"min\": 2, \"max\": 40 }";
    private const string Billing = "billing-api";
    private const int Reserved = 3;
    private const int StartPool = 4;

    // 44 max_connections - 3 superuser-reserved - 2 admin connections (one per ApiTuning) - 3 reserved = 36, shared
    // 2:1: orders (1 replica) may hold 24 and billing (1 replica) 12.
    private const int MaxConnections = 44;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_apis_wanting_more_than_fits_are_granted_their_weighted_shares_and_never_exceed_max_connections()
    {
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: false, maxConnections: MaxConnections, poolSize: StartPool);
        await stack.AddTargetAsync(Billing, replicas: 1);
        await stack.CreateAdminSecretAsync();
        var budget = $$"""
            {
              "apiVersion": "autotune.dev/v1alpha1", "kind": "DatabaseBudget",
              "metadata": { "name": "shop-postgres", "namespace": "{{stack.Namespace}}" },
              "spec": {
                "server": { "adminSecretRef": { "name": "{{ScenarioStack.AdminSecret}}" } },
                "reservedConnections": {{Reserved}},
                "apis": [ { "name": "orders", "weight": 2 }, { "name": "billing", "weight": 1 } ]
              }
            }
            """;
        await stack.Cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            System.Text.Json.JsonDocument.Parse(budget).RootElement, ApiTuningResource.Group, ApiTuningResource.Version, stack.Namespace, DatabaseBudgetResource.Plural, cancellationToken: Ct);
        await stack.StartLoadAsync(concurrency: 48);
        await stack.StartLoadAsync(Billing, concurrency: 48);
        stack.StartOperator();
        var postgres = """, "postgres": { "adminSecretRef": { "name": "pg-admin" }, "reservedConnections": 0, "budgetRef": { "name": "shop-postgres" } }""";
        await stack.Cluster.ApplyAsync("orders", stack.Spec(PoolKnob, extra: postgres));
        await stack.Cluster.ApplyAsync("billing", stack.SpecFor(Billing, PoolKnob, extra: postgres));

        var samples = new ConcurrentQueue<string>();
        var violations = new ConcurrentQueue<string>();
        var mostOpen = 0;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sampler = Task.Run(async () =>
        {
            // Ends only in the delay's cancellation, so a sampler that stopped any other way fails the test.
            while (true)
            {
                var db = await stack.DatabaseSampleAsync();
                var orders = (await stack.ConfigMapTuningAsync("orders"))?.DbMaxPoolSize ?? StartPool;
                var billing = (await stack.ConfigMapTuningAsync("billing"))?.DbMaxPoolSize ?? StartPool;
                var reserved = db.SuperuserReserved + db.AdminConnections + Reserved;
                var line = $"orders 1x{orders} + billing 1x{billing} = {orders + billing}, reserved {reserved}, max_connections {db.MaxConnections}, "
                    + $"API connections open {db.ApiConnections}";
                samples.Enqueue(line);
                mostOpen = Math.Max(mostOpen, db.ApiConnections + reserved);
                if (orders + billing + reserved > db.MaxConnections || db.ApiConnections + reserved > db.MaxConnections)
                {
                    violations.Enqueue(line);
                }

                await Task.Delay(100, sampling.Token);
            }
        }, sampling.Token);

        // Until each pool is within one step of its weighted share (orders 24, billing 12). The sample API's agent holds
        // a live pool swap to max(old, new) connections and says so, so the engine counts orders' last raises at the
        // new pool alone and they fit beside billing's 12.
        await Eventually.UntilAsync(
            async () => (await ReadBudgetAsync(stack), (await stack.ConfigMapTuningAsync("orders"))?.DbMaxPoolSize ?? 0, (await stack.ConfigMapTuningAsync("billing"))?.DbMaxPoolSize ?? 0),
            s => s.Item3 >= 11 && s.Item2 >= 23 && s.Item1.Status?.Apis.Count == 2 && s.Item1.Status.Allocated == s.Item2 + s.Item3,
            TimeSpan.FromSeconds(300),
            "orders' pool within one of its share 24 and billing's within one of its share 12");
        var passes = stack.Results.Count;
        await Eventually.UntilAsync(() => stack.Results.Count >= passes + 2 || sampler.IsCompleted, TimeSpan.FromSeconds(30), "a further pass of each");

        // The status, the pools and the Table read together: retried until no pass wrote between the two status reads.
        var (final, table, pools) = await Eventually.UntilAsync(
            async () =>
            {
                var before = await ReadBudgetAsync(stack);
                var rows = await stack.Cluster.GetTableAsync($"/apis/autotune.dev/v1alpha1/namespaces/{stack.Namespace}/databasebudgets/shop-postgres");
                var now = ((await stack.ConfigMapTuningAsync("orders"))?.DbMaxPoolSize ?? 0, (await stack.ConfigMapTuningAsync("billing"))?.DbMaxPoolSize ?? 0);
                var after = await ReadBudgetAsync(stack);
                return (after, rows, now, Same: before.Metadata.ResourceVersion == after.Metadata.ResourceVersion);
            },
            r => r.Same && r.after.Status!.Allocated == r.now.Item1 + r.now.Item2,
            TimeSpan.FromSeconds(60),
            "the budget's status, the pools and the Table read between two passes") is var read ? (read.after, read.rows, read.now) : default;
        await sampling.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sampler);

        Assert.True(violations.IsEmpty, $"over max_connections at {violations.Count} of {samples.Count} samples, first: {violations.FirstOrDefault()}");
        Assert.True(samples.Count >= 50, $"only {samples.Count} samples");
        TestContext.Current.TestOutputHelper?.WriteLine($"{samples.Count} samples, at most {mostOpen} of {MaxConnections} connections (API + reserved); last: {samples.Last()}; pools {pools}; table {string.Join(" | ", table.Rows.Select(r => string.Join(", ", r)))}");
        var status = final.Status!;
        var orders = status.Apis.Single(a => a.Name == "orders");
        var billing = status.Apis.Single(a => a.Name == "billing");

        // The weighted shares of the 36 connections are 24 and 12; each grant is what its API wants up to its share of
        // what the other leaves, the grants never exceed the 36, and no pool exceeds its grant.
        Assert.Equal((24, 12), (orders.Share, billing.Share));
        Assert.True(orders.Cap >= Math.Min(orders.Wants, 24) && billing.Cap >= Math.Min(billing.Wants, 12), $"orders {orders.Cap} of {orders.Wants} wanted, billing {billing.Cap} of {billing.Wants}");
        Assert.True(orders.Cap + billing.Cap <= 36, $"grants {orders.Cap} + {billing.Cap}");
        Assert.True(pools.Item1 <= orders.Cap && pools.Item2 <= billing.Cap, $"pools {pools} over grants {orders.Cap}, {billing.Cap}");
        Assert.True(pools.Item1 >= 23 && pools.Item2 >= 11, $"pools {pools}: the heavier API reaches its weighted share 24, the other 12");
        Assert.Equal((MaxConnections, pools.Item1 + pools.Item2), (status.MaxConnections, status.Allocated));
        Assert.Equal(MaxConnections - status.Reserved - status.Allocated, status.Free);
        Assert.Contains(status.Conditions, c => c.Type == "Ready" && c.Status == ConditionStatus.True);
        var events = await stack.EventsAsync("orders");
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", events.Select(e => $"{e.Reason}: {e.Note}")));

        // kubectl get's Table: the printer columns the test server answers from the CRD.
        Assert.Equal(["NAME", "SERVER", "MAX_CONNECTIONS", "ALLOCATED", "FREE", "APIS", "AGE"], table.Columns.Select(c => c.ToUpperInvariant()));
        var row = Assert.Single(table.Rows);
        Assert.Equal(["shop-postgres", status.Server!, $"{MaxConnections}", $"{status.Allocated}", $"{status.Free}", $"billing={pools.Item2}/{billing.Cap} orders={pools.Item1}/{orders.Cap}"], row.Take(6));
    }

    private static Task<DatabaseBudgetResource> ReadBudgetAsync(ScenarioStack stack) =>
        stack.Cluster.Client.CustomObjects.GetNamespacedCustomObjectAsync<DatabaseBudgetResource>(
            ApiTuningResource.Group, ApiTuningResource.Version, stack.Namespace, DatabaseBudgetResource.Plural, "shop-postgres", Ct);
}
