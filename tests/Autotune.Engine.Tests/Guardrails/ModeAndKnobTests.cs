using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

public sealed class ModeAndKnobTests
{
    [Fact]
    public void Paused_decides_nothing()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), spec: Given.Spec(TuningMode.Paused)));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.Paused, d.Reason);
        Assert.Null(d.Knob);
        Assert.Null(d.Claim);
    }

    [Fact]
    public void Recommend_mode_recommends_and_never_changes()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), spec: Given.Spec(TuningMode.Recommend)));

        Assert.Equal(DecisionKind.Recommend, d.Kind);
        Assert.False(d.IsAction);
        Assert.Equal((Knob.DbMaxPoolSize, 10, 14), (d.Knob, d.From, d.To));
        Assert.StartsWith("Recommend raising Npgsql pool 10 -> 14", d.Message, StringComparison.Ordinal);
        Assert.Null(d.Claim);
    }

    [Fact]
    public void A_knob_in_recommend_mode_is_advised_not_moved()
    {
        var spec = Given.Spec() with { Knobs = Given.Spec().Knobs with { DbMaxPoolSize = new KnobBudget { Min = 5, Max = 200, Mode = KnobMode.Recommend } } };

        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), spec: spec));

        Assert.Equal(DecisionKind.Recommend, d.Kind);
        Assert.Equal(Knob.DbMaxPoolSize, d.Knob);
    }

    [Fact]
    public void Never_touches_a_knob_left_out_of_the_spec()
    {
        var spec = Given.Spec() with { Knobs = Given.Spec().Knobs with { DbMaxPoolSize = null } };

        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), spec: spec));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.KnobNotManaged, d.Reason);
        Assert.Contains("dbMaxPoolSize is not in the spec", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repairs_a_starting_state_that_breaks_the_connection_budget_first()
    {
        // max_connections 120 - 14 reserved = 106, but the pools may open 40 + 100 = 140: every pool shrinks to 75%
        // (max_connections cannot rise here: the restart policy is Never).
        var d = TuningEngine.Decide(Given.Input(Given.Healthy(), spec: Given.Spec(restart: RestartPolicy.Never), settings: new Settings(3, 16, 10, 120), ledger: Given.Ledger(maxConnections: 120)));

        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(DecisionReasons.RepairBudget, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 10, 7), (d.Knob, d.From, d.To));
        Assert.Contains("pools may open 140 connections but max_connections 120 minus 14 reserved leaves 106", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repairs_a_broken_budget_by_raising_max_connections_where_an_immediate_restart_is_allowed()
    {
        // The same broken budget: 140 wanted, 106 left. With restart Immediate, max_connections rises to the smallest
        // value that holds every pool (140 + 14 reserved = 154) and no pool shrinks.
        var d = TuningEngine.Decide(Given.Input(Given.Healthy(), spec: Given.Spec(restart: RestartPolicy.Immediate), settings: new Settings(3, 16, 10, 120), ledger: Given.Ledger(maxConnections: 120)));

        Assert.Equal((DecisionKind.Change, DecisionReasons.RepairBudget), (d.Kind, d.Reason));
        Assert.Equal((Knob.PostgresMaxConnections, 120), (d.Knob, d.From));
        Assert.InRange(d.To!.Value, 154, 160);
        Assert.Contains("max_connections rises to", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repairs_a_broken_budget_from_a_pool_above_its_own_budget_into_the_budget()
    {
        // Like the proof's bursty start: pool 100 under a budget of 5..40 and surge 1, so this API may open (1 + 1) x 100
        // and the other (4 + 1) x 20, against 200 - 14 reserved. Shrinking in proportion asks for 62, itself outside the
        // budget; the repair goes to the budget's maximum instead of holding there for ever.
        var spec = Given.Spec(restart: RestartPolicy.Never);
        spec = spec with { Knobs = spec.Knobs with { DbMaxPoolSize = new KnobBudget { Min = 5, Max = 40 } } };

        var d = TuningEngine.Decide(Given.Input(Given.Healthy(), spec: spec, settings: new Settings(1, 16, 100, 200), ledger: Given.Ledger(maxConnections: 200)));

        Assert.Equal((DecisionKind.Change, DecisionReasons.RepairBudget), (d.Kind, d.Reason));
        Assert.Equal((Knob.DbMaxPoolSize, 100, 40), (d.Knob, d.From, d.To));
        Assert.Contains("pools may open 300 connections but max_connections 200 minus 14 reserved leaves 186", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100, 62, true)] // from above the budget toward it: allowed though still outside
    [InlineData(100, 40, true)]
    [InlineData(100, 4, false)] // past the budget's other end
    [InlineData(30, 50, false)] // from inside to outside
    [InlineData(2, 4, true)] // from below the budget toward it
    public void A_step_from_outside_the_budget_toward_it_is_not_refused_for_the_budget(int from, int to, bool allowed)
    {
        var spec = Given.Spec();
        spec = spec with { Knobs = spec.Knobs with { DbMaxPoolSize = new KnobBudget { Min = 5, Max = 40 } } };

        var refusal = DecisionBuilder.Guard(Given.Input(Given.Healthy(), spec: spec), new PlanStep(Knob.DbMaxPoolSize, from, to, 0, 1000), DecisionReasons.RepairBudget);

        Assert.Equal(allowed, refusal?.Reason != DecisionReasons.AtBudgetLimit);
    }

    [Fact]
    public void Does_not_repair_the_budget_blind()
    {
        var d = TuningEngine.Decide(Given.Input(null, settings: new Settings(3, 16, 10, 120), ledger: Given.Ledger(maxConnections: 120)));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.NoData, d.Reason);
    }
}
