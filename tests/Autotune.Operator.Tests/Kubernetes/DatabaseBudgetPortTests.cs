using System.Text.Json;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Reconcile;
using k8s;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes;

/// <summary>The DatabaseBudget port against the API test server, as the operator's ServiceAccount: what it refuses, and why.</summary>
public sealed class DatabaseBudgetPortTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostgresSpec Postgres(string secret) => new()
    {
        AdminSecretRef = new SecretKeyRef { Name = secret },
        BudgetRef = new BudgetRef { Name = "shop-postgres" },
    };

    [Fact]
    public async Task Reads_a_budget_that_shares_the_apituning_s_own_server_secret()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await CreateBudgetAsync(cluster, secret: "pg-admin", weight: 2);
        var port = new KubernetesDatabaseBudget(cluster.OperatorClient, cluster.Namespace, "orders", Postgres("pg-admin"), TimeProvider.System);

        var budget = await port.ReadAsync(Ct);

        Assert.Equal($"{cluster.Namespace}/shop-postgres", budget.Id);
        Assert.Equal(2, Assert.Single(budget.Spec.Apis).Weight);
    }

    [Fact]
    public async Task Refuses_a_budget_whose_server_secret_is_not_the_apituning_s_own()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await CreateBudgetAsync(cluster, secret: "other-admin", weight: 1);
        var port = new KubernetesDatabaseBudget(cluster.OperatorClient, cluster.Namespace, "orders", Postgres("pg-admin"), TimeProvider.System);

        var refused = await Assert.ThrowsAsync<SafeFailureException>(() => port.ReadAsync(Ct));

        Assert.Equal(ConditionReasons.InvalidSpec, refused.Reason);
        Assert.Contains("shares the server of Secret other-admin", refused.Message, StringComparison.Ordinal);
        Assert.Contains("names Secret pg-admin", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_budget_fails_the_pass_saying_what_to_create()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var port = new KubernetesDatabaseBudget(cluster.OperatorClient, cluster.Namespace, "orders", Postgres("pg-admin"), TimeProvider.System);

        var refused = await Assert.ThrowsAsync<SafeFailureException>(() => port.ReadAsync(Ct));

        Assert.Equal(ConditionReasons.ReferenceNotFound, refused.Reason);
        Assert.Contains("DatabaseBudget shop-postgres, which does not exist", refused.Message, StringComparison.Ordinal);
    }

    private static Task<object> CreateBudgetAsync(KubeTestCluster cluster, string secret, int weight) =>
        cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonDocument.Parse($$"""
                {
                  "apiVersion": "autotune.dev/v1alpha1", "kind": "DatabaseBudget",
                  "metadata": { "name": "shop-postgres", "namespace": "{{cluster.Namespace}}" },
                  "spec": { "server": { "adminSecretRef": { "name": "{{secret}}" } }, "apis": [ { "name": "orders", "weight": {{weight}} } ] }
                }
                """).RootElement,
            ApiTuningResource.Group, ApiTuningResource.Version, cluster.Namespace, DatabaseBudgetResource.Plural, cancellationToken: Ct);
}
