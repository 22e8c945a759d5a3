using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Budget;

public sealed class ConnectionBudgetTests
{
    [Fact]
    public void Counts_surge_pods_and_every_reserve()
    {
        var ledger = Given.Ledger();

        Assert.Equal(14, ledger.Reserved);
        Assert.Equal((3 + 1) * 10 + (4 + 1) * 20, ledger.Demand);
        Assert.Equal(200 - 14 - 140, ledger.Free);
    }

    [Fact]
    public void Counts_the_old_pools_busy_connections_and_the_new_pool_while_pods_swap()
    {
        var entry = new LedgerEntry { ApiId = "a", Replicas = 3, Surge = 1, PoolSize = 10 };
        var swap = new ConnectionTransition { TargetReplicas = 3, TargetPoolSize = 20, Swap = SwapKind.HotSwap, OldPoolBusyPerPod = 8 };
        var rollout = swap with { Swap = SwapKind.Rollout };

        Assert.Equal(3 * (8 + 20) + 1 * 20, swap.DuringDemand(entry));
        Assert.Equal((3 + 1) * 20, rollout.DuringDemand(entry));
        Assert.Equal(104, (entry with { Transition = swap }).Demand);
    }

    [Fact]
    public void A_bounded_swap_holds_each_pod_at_the_larger_pool_and_surge_pods_at_the_new_one()
    {
        var entry = new LedgerEntry { ApiId = "a", Replicas = 3, Surge = 1, PoolSize = 10 };
        var raise = new ConnectionTransition { TargetReplicas = 3, TargetPoolSize = 20, Swap = SwapKind.BoundedSwap, OldPoolBusyPerPod = 8 };
        var lower = raise with { TargetPoolSize = 6 };

        Assert.Equal(3 * 20 + 1 * 20, raise.DuringDemand(entry));
        Assert.Equal(3 * 10 + 1 * 6, lower.DuringDemand(entry));

        // The peak is the larger steady state: the raise costs what the new pools hold, not busy + new.
        Assert.Equal(80, (entry with { Transition = raise }).Demand);
        Assert.Equal(40, (entry with { Transition = lower }).Demand);
        Assert.True((entry with { Transition = raise }).Demand < (entry with { Transition = raise with { Swap = SwapKind.HotSwap } }).Demand);
    }

    [Fact]
    public void A_raise_refused_for_the_live_swaps_peak_fits_when_the_pods_bound_the_swap()
    {
        // 200 - 14 reserved = 186; the other API holds 100; a pool of 10 -> 24 on 3 pods + 1 surge: steady 96.
        var ledger = Given.Ledger();
        var self = ledger.Find(Given.Api)!;

        var hot = ConnectionPlanner.Plan(ledger, self, null, (3, 21), SwapKind.HotSwap, 10);
        var bounded = ConnectionPlanner.Plan(ledger, self, null, (3, 21), SwapKind.BoundedSwap, 10);

        Assert.False(hot.Fits);
        Assert.Equal(100 + 3 * (10 + 21) + 21, hot.FirstViolation?.PeakDemand);
        Assert.True(bounded.Fits);
        Assert.Equal(100 + (3 + 1) * 21, bounded.Steps.Single().PeakDemand);
    }

    [Fact]
    public void Uses_the_lower_of_running_and_pending_max_connections()
    {
        var ledger = Given.Ledger() with { PendingMaxConnections = 150 };

        Assert.Equal(150, ledger.EffectiveMaxConnections);
        Assert.Equal(150 - 14 - 140, ledger.Free);
    }

    [Fact]
    public void Plans_max_connections_up_before_pools_grow_and_down_after_they_shrink()
    {
        var ledger = Given.Ledger();
        var self = ledger.Find(Given.Api)!;

        var up = ConnectionPlanner.Plan(ledger, self, (200, 300), (3, 30), SwapKind.HotSwap, 10);
        var down = ConnectionPlanner.Plan(ledger, self, (200, 160), (3, 5), SwapKind.HotSwap, 10);

        Assert.Equal([Knob.PostgresMaxConnections, Knob.DbMaxPoolSize], up.Steps.Select(s => s.Knob));
        Assert.Equal(200 - 14, up.Steps[0].Capacity);
        Assert.Equal(300 - 14, up.Steps[1].Capacity);
        Assert.Equal([Knob.DbMaxPoolSize, Knob.PostgresMaxConnections], down.Steps.Select(s => s.Knob));
        Assert.Equal(160 - 14, down.Steps[1].Capacity);
        Assert.True(up.Fits);
        Assert.True(down.Fits);
    }

    [Fact]
    public void Reports_the_step_that_would_break_the_invariant()
    {
        var ledger = Given.Ledger();

        var plan = ConnectionPlanner.Plan(ledger, ledger.Find(Given.Api)!, null, (3, 40), SwapKind.HotSwap, 10);

        Assert.False(plan.Fits);
        Assert.Equal(Knob.DbMaxPoolSize, plan.FirstViolation?.Knob);
        Assert.Equal(100 + 3 * (10 + 40) + 40, plan.FirstViolation?.PeakDemand);
    }

    [Fact]
    public void Two_api_tunings_cannot_spend_the_same_headroom()
    {
        var ledger = Given.Ledger(otherPool: 10);
        var payments = Given.Input(Given.PoolExhausted() with { Pods = 4 }, settings: new Settings(4, 16, 10, 200)) with { ApiId = "shop/payments" };

        var alone = TuningEngine.Decide(payments with { Ledger = ledger });
        var orders = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), ledger: ledger));
        var claimed = ledger.With(orders.Claim!);
        var after = TuningEngine.Decide(payments with { Ledger = claimed });

        Assert.Equal(Knob.DbMaxPoolSize, alone.Knob);
        Assert.Equal(Knob.DbMaxPoolSize, orders.Knob);
        Assert.True(claimed.Holds);
        Assert.NotEqual(Knob.DbMaxPoolSize, after.Knob);
        Assert.True(after.Claim is null || claimed.With(after.Claim).Holds);
    }
}
