using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
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
