using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

public sealed class PoolPolicyTests
{
    [Fact]
    public void Raises_pool_when_requests_wait_and_database_has_headroom()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), ledger: Given.Ledger(otherPool: 10)));

        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(DecisionReasons.RaisePool, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 10, 20), (d.Knob, d.From, d.To));
        Assert.StartsWith("Raised Npgsql pool 10 -> 20: pool wait p99 180 ms > 20 ms objective", d.Message, StringComparison.Ordinal);
        Assert.Contains("database has 96 free connections (max_connections 200, reserved 14)", d.Message, StringComparison.Ordinal);
        Assert.Equal(180, d.Evidence[EvidenceKeys.PoolWaitP99Ms]);
    }

    [Fact]
    public void Sizes_the_pool_by_littles_law_not_by_doubling()
    {
        // 900 uses/s per pod x 10 ms + 4 waiting = 13 connections, x 1.5 headroom = 20.
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { ConnectionUsesPerSecond = 1800, PendingRequestsMean = 1 },
            ledger: Given.Ledger(otherPool: 10)));

        // 600 uses/s per pod x 10 ms + 1 waiting = 7, x 1.5 = 11: one more than now, not twice as many.
        Assert.Equal(11, d.To);
    }

    [Fact]
    public void Raises_the_pool_only_as_far_as_the_budget_allows_counting_the_swap_overlap()
    {
        // 46 free: while pods swap, 3 x (10 busy + new) + 1 surge x new must fit, so the pool can reach 14, not 20.
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted()));

        Assert.Equal(14, d.To);
        Assert.Contains("the budget allows 14 of the 20 wanted", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raises_max_connections_before_the_pool_when_database_has_no_headroom()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), settings: new Settings(3, 16, 10, 150),
            ledger: Given.Ledger(maxConnections: 150, otherPool: 18)));

        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(DecisionReasons.RaiseMaxConnections, d.Reason);
        Assert.Equal((Knob.PostgresMaxConnections, 150, 214), (d.Knob, d.From, d.To));
        Assert.True(d.RequiresRestart);
        Assert.Equal([Knob.PostgresMaxConnections, Knob.DbMaxPoolSize], d.Plan.Select(s => s.Knob));
        Assert.All(d.Plan, s => Assert.True(s.Fits));
    }

    /// <summary>
    /// 400 req/s per pod answered, each with one use of a connection held 25 ms: a pool of 10 carries exactly that,
    /// while requests in flight grow 200/s per pod and 60 wait (some timed out: a backlog).
    /// </summary>
    private static ObservedWindow Backlog(double arrivingFaster) => Given.PoolExhausted() with
    {
        Rps = 1200,
        Requests = 72_000,
        ConnectionUsesPerSecond = 1200,
        ConnectionHoldMeanMs = 25,
        PendingRequestsMean = 60,
        ActiveRequestsSlopePerSecond = arrivingFaster,
    };

    [Fact]
    public void A_max_connections_raise_leaves_room_for_the_pool_the_demand_asks_for_not_only_its_next_step()
    {
        // Demand: (400 + 200) req/s arriving per pod x 1 use x 25 ms x 1.5 = 23 connections per pod. The pool rises one
        // step, 10 -> 20, once the server confirms; max_connections, a restart, is sized for the 23 so that the pool's
        // next step needs no restart of its own (the proof's max_connections profile restarted 12 -> 30 -> 54 -> 99).
        var settings = new Settings(3, 16, 10, 150);
        var ledger = Given.Ledger(maxConnections: 150, otherPool: 18);
        var d = TuningEngine.Decide(Given.Input(Backlog(200), settings: settings, ledger: ledger));

        Assert.Equal(DecisionReasons.RaiseMaxConnections, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 20), (d.Plan[^1].Knob, d.Plan[^1].To));
        Assert.All(d.Plan, s => Assert.True(s.Fits));
        Assert.Contains("sized for a pool of 23 (the demand asks for 23) so that the pool's later steps need no restart", d.Message, StringComparison.Ordinal);

        // With max_connections at that value, the pool's next step needs no restart.
        var raised = Given.Ledger(maxConnections: d.To!.Value, otherPool: 18);
        var after = TuningEngine.Decide(Given.Input(Backlog(200), settings: settings with { DbMaxPoolSize = 20, PostgresMaxConnections = d.To!.Value },
            ledger: raised with { Entries = [raised.Entries[0] with { PoolSize = 20 }, raised.Entries[1]] }));
        Assert.Equal((DecisionReasons.RaisePool, 20), (after.Reason, after.From));
        Assert.True(after.To >= 23, after.Message);
    }

    [Fact]
    public void Repairing_a_broken_budget_for_a_short_pool_leaves_room_for_it_in_the_same_restart()
    {
        // Pools may open 4 x 10 + 5 x 18 = 130 under max_connections 100: the repair raises it to 130 + 14 reserved
        // = 144 for a healthy window. When this API's pool is short, the step to its demand (400 req/s per pod x 25 ms
        // x 1.5 = 15 per pod) goes in the same restart, swap overlap included: 3 pods x (10 busy + 15) + a surge pod's
        // 15 = 90, beside the other API's 90 and 14 reserved = 194.
        var settings = new Settings(3, 16, 10, 100);
        var ledger = Given.Ledger(maxConnections: 100, otherPool: 18);

        var healthy = TuningEngine.Decide(Given.Input(Given.Healthy(), settings: settings, ledger: ledger));
        var short_ = TuningEngine.Decide(Given.Input(Backlog(0), settings: settings, ledger: ledger));

        Assert.Equal((DecisionReasons.RepairBudget, Knob.PostgresMaxConnections, 144), (healthy.Reason, healthy.Knob, healthy.To));
        Assert.Equal((DecisionReasons.RepairBudget, Knob.PostgresMaxConnections, 194), (short_.Reason, short_.Knob, short_.To));
        Assert.Contains("and this API's pool, short in this window, can then grow to 15 (its demand asks for 15) without another restart", short_.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recommends_max_connections_when_the_restart_policy_is_never()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), spec: Given.Spec(restart: RestartPolicy.Never),
            settings: new Settings(3, 16, 10, 150), ledger: Given.Ledger(maxConnections: 150, otherPool: 18)));

        Assert.Equal(DecisionKind.Recommend, d.Kind);
        Assert.Equal(Knob.PostgresMaxConnections, d.Knob);
        Assert.Contains("restart policy is Never", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Waits_for_the_maintenance_window_to_raise_max_connections()
    {
        var spec = Given.Spec(restart: RestartPolicy.Window) with
        {
            Postgres = new PostgresSpec
            {
                Restart = RestartPolicy.Window,
                MaintenanceWindow = new MaintenanceWindow { Days = ["Sat"], StartUtc = "02:00", DurationMinutes = 120 },
            },
        };
        var settings = new Settings(3, 16, 10, 150);
        var ledger = Given.Ledger(maxConnections: 150, otherPool: 18);
        var friday = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), spec: spec, settings: settings, ledger: ledger));
        var saturdayNight = Given.Now.AddHours(15);
        var saturday = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { Start = saturdayNight.AddSeconds(-60), End = saturdayNight },
            spec: spec, settings: settings, ledger: ledger, now: saturdayNight));

        Assert.Equal(DecisionReasons.WaitingForMaintenanceWindow, friday.Reason);
        Assert.Equal(DecisionKind.Change, saturday.Kind);
        Assert.Equal(Knob.PostgresMaxConnections, saturday.Knob);
    }

    [Fact]
    public void Holds_budget_exhausted_when_max_connections_is_at_its_budget()
    {
        var spec = Given.Spec() with { Knobs = Given.Spec().Knobs with { PostgresMaxConnections = new KnobBudget { Min = 100, Max = 150 } } };

        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), spec: spec, settings: new Settings(3, 16, 10, 150),
            ledger: Given.Ledger(maxConnections: 150, otherPool: 18)));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.BudgetExhausted, d.Reason);
        Assert.Contains("max_connections is at 150 (budget max 150)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shrinks_pool_when_database_is_saturated()
    {
        var state = TuningState.Empty with
        {
            History = [Given.Change(Knob.DbMaxPoolSize, 10, 20, DecisionReasons.RaisePool, Bottleneck.PoolExhaustion, Given.Now.AddMinutes(-70), Given.PoolExhausted(), "raised")],
        };
        var saturated = Given.PoolExhausted() with { ConnectionHoldMeanMs = 21, ConnectionUsesPerSecond = 2750, AppliedPoolSize = 20 };

        var d = TuningEngine.Decide(Given.Input(saturated, state: state, settings: new Settings(3, 16, 20, 200), ledger: Given.Ledger(otherPool: 10)));

        Assert.Equal(Bottleneck.DatabaseSaturated, d.Bottleneck);
        Assert.Equal(DecisionReasons.ShrinkPool, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 20, 15), (d.Knob, d.From, d.To));
        Assert.StartsWith("Lowered Npgsql pool 20 -> 15: the database is the limit", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Never_adds_connections_to_a_saturated_database_with_the_pool_at_its_minimum()
    {
        // Raised 4 -> 5 long ago (no time given: the oldest there is).
        var state = TuningState.Empty with
        {
            History = [Given.Change(Knob.DbMaxPoolSize, 4, 5, DecisionReasons.RaisePool, Bottleneck.PoolExhaustion, DateTimeOffset.MinValue, Given.PoolExhausted(), "raised")],
        };

        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { ConnectionHoldMeanMs = 21, ConnectionUsesPerSecond = 2700 },
            state: state, settings: new Settings(3, 16, 5, 200)));

        // Nothing grows: the pool holds, and fewer sessions may come only from a replica given back (3 -> 2 here).
        Assert.Equal(Bottleneck.DatabaseSaturated, d.Bottleneck);
        Assert.True(d.Kind == DecisionKind.Hold || (d.Knob == Knob.Replicas && d.To < d.From), d.Message);
        Assert.DoesNotContain(d.Plan, s => s.Knob is Knob.DbMaxPoolSize && s.To > 5);
    }

    [Fact]
    public void Does_not_shrink_a_pool_it_raised_within_the_hour_at_similar_load()
    {
        var state = TuningState.Empty with
        {
            History = [Given.Change(Knob.DbMaxPoolSize, 10, 20, DecisionReasons.RaisePool, Bottleneck.PoolExhaustion, Given.Now.AddMinutes(-10), Given.PoolExhausted(), "raised")],
        };
        var saturated = Given.PoolExhausted() with { ConnectionHoldMeanMs = 21, ConnectionUsesPerSecond = 2750, AppliedPoolSize = 20 };

        var d = TuningEngine.Decide(Given.Input(saturated, state: state, settings: new Settings(3, 16, 20, 200), ledger: Given.Ledger(otherPool: 10)));

        Assert.Equal(Bottleneck.DatabaseSaturated, d.Bottleneck);
        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.ReversalSuppressed, d.Reason);
    }
}
