using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

public sealed class PoolWithReplicaTests
{
    private static ApiTuningSpec DownToOne() =>
        Given.Spec() with { Knobs = Given.Spec().Knobs with { Replicas = new() { Min = 1, Max = 20 } } };

    /// <summary>max_connections 300; this API holds (2 + 1) x 60, another (1 + 1) x 5.</summary>
    private static DatabaseLedger Ledger() => new()
    {
        Server = "db:5432",
        MaxConnections = 300,
        SuperuserReservedConnections = 3,
        AdminConnections = 1,
        ReservedConnections = 10,
        Entries =
        [
            new LedgerEntry { ApiId = Given.Api, Replicas = 2, Surge = 1, PoolSize = 60 },
            new LedgerEntry { ApiId = "shop/payments", Replicas = 1, Surge = 1, PoolSize = 5 },
        ],
    };

    /// <summary>2 pods, 1500 rps, each connection held 4.3 ms: about 3.3 of a pool of 60 busy per pod, P99 20 ms.</summary>
    private static ObservedWindow TwoPodsWithAnIdlePool(double cpu) => Given.Healthy() with
    {
        Pods = 2,
        Rps = 1500,
        Requests = 90000,
        P50Ms = 8,
        P99Ms = 19.8,
        ShareUnderObjective = 1,
        PoolWaitP99Ms = 0.1,
        ConnectionHoldMeanMs = 4.3,
        ConnectionUsesPerSecond = 1500,
        PoolUsage = 0.055,
        ThreadsFirst = 3,
        ThreadsLast = 3,
        CpuUtilization = cpu,
        AppliedMinThreads = 64,
        AppliedPoolSize = 60,
    };

    private static TuningState Comfortable() => TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

    [Fact]
    public void Lowers_an_idle_pool_with_a_replica_give_back_that_lands_past_comfortable_cpu()
    {
        // 1 pod would run at 75.4% CPU, where the pool's own give-back step no longer runs; it would have about 6.6
        // connections busy (2 x 3.3), so the pool comes down to 6.6 x 1.5 / 0.8 -> 13 as part of the same change.
        var d = TuningEngine.Decide(Given.Input(TwoPodsWithAnIdlePool(cpu: 0.377), DownToOne(), Comfortable(), new Settings(2, 64, 60, 300), Ledger()));

        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        Assert.Contains((Knob.Replicas, 1), d.Plan.Select(s => (s.Knob, s.To)));
        Assert.Contains((Knob.DbMaxPoolSize, 13), d.Plan.Select(s => (s.Knob, s.To)));
        Assert.All(d.Plan, s => Assert.True(s.PeakDemand <= s.Capacity, $"{s.Knob} needs {s.PeakDemand} of {s.Capacity}"));
    }

    [Fact]
    public void Leaves_the_pool_to_its_own_give_back_step_when_the_replica_give_back_lands_at_comfortable_cpu()
    {
        var d = TuningEngine.Decide(Given.Input(TwoPodsWithAnIdlePool(cpu: 0.25), DownToOne(), Comfortable(), new Settings(2, 64, 60, 300), Ledger()));

        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        Assert.Equal((Knob.Replicas, 2, 1), (d.Knob, d.From, d.To));
        Assert.DoesNotContain(d.Plan, s => s.Knob == Knob.DbMaxPoolSize);
    }
}
