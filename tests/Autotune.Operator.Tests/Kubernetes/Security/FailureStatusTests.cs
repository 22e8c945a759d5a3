using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Reconcile;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Npgsql;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Security;

/// <summary>
/// A failed pass says why in the Ready condition without the exception's raw message (which can quote a connection
/// string), and a refusal the operator composed keeps its own reason and names the object.
/// </summary>
public sealed class FailureStatusTests
{
    private const string Password = "hunter2";

    private const string Spec = """
        { "targetRef": { "name": "orders-api" }, "objectives": { "p99LatencyMs": 250 }, "metrics": { "window": "10s", "scrapesPerWindow": 5 } }
        """;

    [Fact]
    public async Task A_failure_whose_message_carries_a_connection_string_reaches_status_as_its_type_and_codes_only()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var ports = new FakePorts { Failure = new NpgsqlException($"Host=db;Username=admin;Password={Password}", new TimeoutException(Password)) };
        await using var run = ControllerTests.ControllerRun.Start(cluster, ports);

        await cluster.ApplyAsync("orders", Spec);
        var ready = await ReadyAsync(cluster, c => c.Reason == ConditionReasons.ReconcileFailed);

        Assert.Equal("PostgreSQL did not answer in time; retried with backoff", ready.Message);
        Assert.DoesNotContain(Password, ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_sets_its_own_reason_with_the_message_naming_the_object()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var refusal = new AccessRefusedException(ConditionReasons.OptInMissing, "Secret shop/pg-admin (spec.postgres.adminSecretRef) does not let ApiTuning orders use it");
        await using var run = ControllerTests.ControllerRun.Start(cluster, new FakePorts { Failure = refusal });

        await cluster.ApplyAsync("orders", Spec);
        var ready = await ReadyAsync(cluster, c => c.Reason == ConditionReasons.OptInMissing);

        Assert.Equal(ConditionStatus.False, ready.Status);
        Assert.StartsWith(refusal.Message, ready.Message, StringComparison.Ordinal);
    }

    private static async Task<StatusCondition> ReadyAsync(KubeTestCluster cluster, Func<StatusCondition, bool> done)
    {
        var resource = await Eventually.UntilAsync(
            () => cluster.GetApiTuningAsync("orders"),
            r => r.Status?.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is { } ready && done(ready),
            TimeSpan.FromSeconds(30),
            "the Ready condition of orders");
        return resource.Status!.Conditions.Single(c => c.Type == ConditionTypes.Ready);
    }
}
