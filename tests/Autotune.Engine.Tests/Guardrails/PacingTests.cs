using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

public sealed class PacingTests
{
    private static TuningState Moved(Knob knob, int from, int to, TimeSpan ago) => TuningState.Empty with
    {
        History =
        [
            Given.Change(knob, from, to, "Test", Bottleneck.None, Given.Now - ago, Given.Healthy(), "moved"),
        ],
        ComfortableSince = Given.Now.AddMinutes(-10),
    };

    [Fact]
    public void Waits_out_the_cooldown_of_a_knob()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), state: Moved(Knob.DbMaxPoolSize, 8, 10, TimeSpan.FromSeconds(60))));

        Assert.Equal(DecisionReasons.Cooldown, d.Reason);
        Assert.Contains("within its 120 s cooldown", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cooldown_of_one_knob_does_not_hold_another()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), state: Moved(Knob.Replicas, 2, 3, TimeSpan.FromSeconds(60))));

        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(Knob.DbMaxPoolSize, d.Knob);
    }

    [Fact]
    public void Does_not_reverse_a_knob_within_the_hour_at_similar_load()
    {
        var comfortable = Given.Healthy() with { P99Ms = 60, CpuUtilization = 0.3 };

        var d = TuningEngine.Decide(Given.Input(comfortable, state: Moved(Knob.Replicas, 2, 3, TimeSpan.FromMinutes(20))));

        Assert.Equal(DecisionReasons.ReversalSuppressed, d.Reason);
    }

    [Fact]
    public void Reverses_a_knob_when_load_has_moved()
    {
        var quieter = Given.Healthy() with { P99Ms = 60, CpuUtilization = 0.15, Rps = 150, Requests = 9000 };

        var d = TuningEngine.Decide(Given.Input(quieter, state: Moved(Knob.Replicas, 2, 3, TimeSpan.FromMinutes(20))));

        Assert.Equal((Knob.Replicas, 3, 2), (d.Knob, d.From, d.To));
    }

    [Theory]
    [InlineData(Knob.DbMaxPoolSize, 10, 1000, 20)]
    [InlineData(Knob.DbMaxPoolSize, 2, 1000, 10)]
    [InlineData(Knob.ThreadPoolMinThreads, 100, 1000, 200)]
    [InlineData(Knob.DbMaxPoolSize, 40, 1, 20)]
    [InlineData(Knob.DbMaxPoolSize, 8, 1, 5)]
    [InlineData(Knob.Replicas, 3, 100, 6)]
    public void Bounds_each_step_to_double_or_half_inside_the_budget(Knob knob, int from, int wanted, int expected)
    {
        Assert.Equal(expected, StepBounds.Bound(knob, from, wanted, new KnobBudget { Min = 5, Max = 500 }));
    }
}
