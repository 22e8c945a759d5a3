using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Xunit;
using static Autotune.Operator.Tests.Kubernetes.KubeTestCluster;

namespace Autotune.Operator.Tests.Kubernetes;

public sealed class ApiTuningResourceTests
{
    [Fact]
    public async Task Spec_and_status_round_trip_through_the_crd_schema_with_the_engine_records()
    {
        await using var cluster = await StartAsync();
        var spec = Spec(change: s => s with
        {
            Mode = TuningMode.Recommend,
            Metrics = new MetricsSpec { Port = 9100, Path = "/m", Window = "2m" },
            Knobs = new KnobsSpec { Replicas = new KnobBudget { Min = 2, Max = 8 }, DbMaxPoolSize = new KnobBudget { Min = 10, Max = 80, Mode = KnobMode.Recommend } },
            Apply = new ApplySpec { Method = ApplyMethod.RollingRestart, PoolSizeEnvVar = "DB_POOL" },
            Postgres = new PostgresSpec
            {
                AdminSecretRef = new SecretKeyRef { Name = "pg-admin" },
                WorkloadRef = new WorkloadRef { Name = "pg" },
                Restart = RestartPolicy.Window,
                MaintenanceWindow = new MaintenanceWindow { StartUtc = "02:00", Days = ["Sat", "Sun"] },
            },
        });

        var created = await cluster.CreateApiTuningAsync("orders", spec);

        Assert.Equal(spec.Mode, created.Spec.Mode);
        Assert.Equal(spec.Metrics, created.Spec.Metrics);
        Assert.Equal(spec.Apply, created.Spec.Apply);
        Assert.Equal(spec.Knobs, created.Spec.Knobs);
        Assert.Equal(RestartPolicy.Window, created.Spec.Postgres!.Restart);
        Assert.Equal(["Sat", "Sun"], created.Spec.Postgres.MaintenanceWindow!.Days);
        Assert.Equal("pg-admin", created.Spec.Postgres.AdminSecretRef!.Name);
        Assert.Equal(1, created.Metadata.Generation);

        var writer = new Autotune.Operator.Kubernetes.Adapters.KubernetesStatusWriter(cluster.OperatorClient, created, new KubernetesPortOptions { Http = new HttpClient() });
        var now = new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero);
        var status = new ApiTuningStatus
        {
            ObservedGeneration = 1,
            Conditions = [new StatusCondition { Type = ConditionTypes.Ready, Status = ConditionStatus.True, Reason = "Tuning", Message = "ok", LastTransitionTime = now, ObservedGeneration = 1 }],
            Bottleneck = Bottleneck.PoolExhaustion,
            Observed = new ObservedStatus { WindowEnd = now, Pods = 2, Rps = 120.5, P99Ms = 310, ShareUnderObjective = 0.97 },
            Current = new KnobValues { Replicas = 2, DbMaxPoolSize = 20 },
            Recommended = new KnobValues { DbMaxPoolSize = 30 },
            LastDecision = new DecisionRecord { Time = now, Kind = DecisionKind.Recommend, Knob = Knob.DbMaxPoolSize, From = 20, To = 30, Bottleneck = Bottleneck.PoolExhaustion, Reason = "RaisePool", Message = "pool 20 -> 30" },
        };
        Assert.True(await writer.WriteStatusAsync(status, Ct));

        var read = await cluster.GetApiTuningAsync("orders");
        Assert.Equal(KubernetesJson(status), KubernetesJson(read.Status!));
        Assert.Equal(1, read.Metadata.Generation);
    }

    private static string KubernetesJson(object value) => k8s.KubernetesJson.Serialize(value);
}
