using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Resource.Spec;
using CsCheck;
using Xunit;

namespace Autotune.Engine.Tests.Properties;

public sealed class ModeAndDataProperties
{
    private const int Iterations = 4000;

    [Fact]
    public void No_knob_ever_leaves_its_budget_and_a_knob_left_out_is_never_touched()
    {
        // Checked: a decision that moves or plans at least one knob (measured 1,010-1,080 of 4,000).
        CheckedSample.Run(InputGenerators.AnyInput, iter: Iterations, minChecked: 500, input =>
        {
            var d = TuningEngine.Decide(input);
            var moves = d.Plan.Select(s => (s.Knob, s.To)).Append((d.Knob ?? Knob.Replicas, d.To ?? -1)).Where(k => k.Item2 >= 0).ToList();
            foreach (var (knob, to) in moves)
            {
                var budget = StepBounds.BudgetOf(input.Spec.Knobs, knob);
                Assert.True(budget is not null, $"{d.Kind} moves {knob}, which is not in the spec: {d.Message}");
                Assert.InRange(to, budget.Min, budget.Max);
            }

            return moves.Count > 0;
        });
    }

    [Fact]
    public void Paused_and_recommend_never_change_anything()
    {
        InputGenerators.Inputs(Generators.Spec(Gen.OneOf(TuningMode.Paused, TuningMode.Recommend))).Sample(input =>
        {
            var d = TuningEngine.Decide(input);
            Assert.False(d.IsAction, d.Message);
            Assert.Null(d.Claim);
            if (input.Spec.Mode == TuningMode.Paused)
            {
                Assert.Equal(DecisionKind.Hold, d.Kind);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_knob_in_recommend_mode_is_never_changed()
    {
        // Checked: a spec with a knob in Recommend mode and a decision to change or advise (measured 315-376 of 4,000).
        CheckedSample.Run(InputGenerators.AnyInput, iter: Iterations, minChecked: 150, input =>
        {
            var d = TuningEngine.Decide(input);
            if (d.Kind == DecisionKind.Change && d.Knob is { } knob)
            {
                Assert.Equal(KnobMode.Auto, StepBounds.BudgetOf(input.Spec.Knobs, knob)!.Mode);
            }

            return d.Kind is DecisionKind.Change or DecisionKind.Recommend
                && Enum.GetValues<Knob>().Any(k => StepBounds.BudgetOf(input.Spec.Knobs, k) is { Mode: KnobMode.Recommend });
        });
    }

    [Fact]
    public void Missing_or_stale_data_never_leads_to_action()
    {
        // Checked: an input without data or with stale data (measured 930-943 of 4,000).
        CheckedSample.Run(InputGenerators.AnyInput, iter: Iterations, minChecked: 450, input =>
        {
            var blind = input.Window is null || input.Window.Pods <= 0 || input.Now - input.Window.End > TimeSpan.FromSeconds(60);
            var d = TuningEngine.Decide(input);
            Assert.True(!blind || !d.IsAction, d.Message);
            if (blind)
            {
                Assert.NotEqual(DecisionKind.Recommend, d.Kind);
            }

            return blind;
        });
    }

    [Fact]
    public void Too_few_scrapes_lead_to_no_action_but_repairing_a_broken_budget()
    {
        InputGenerators.AnyInput.Select(i => i with { Window = i.Window is null ? null : i.Window with { Scrapes = 1, End = i.Now, Start = i.Now.AddSeconds(-60) } })
            .Sample(input =>
            {
                var d = TuningEngine.Decide(input);
                Assert.True(!d.IsAction || d.Reason == DecisionReasons.RepairBudget, d.Message);
            }, iter: Iterations);
    }

    [Fact]
    public void Every_decision_says_why_with_a_camel_case_reason()
    {
        InputGenerators.AnyInput.Sample(input =>
        {
            var d = TuningEngine.Decide(input);
            Assert.Matches("^[A-Z][A-Za-z]+$", d.Reason);
            Assert.False(string.IsNullOrWhiteSpace(d.Message));
            Assert.DoesNotContain('\n', d.Message);
            Assert.All(d.Evidence.Values, v => Assert.True(double.IsFinite(v)));
        }, iter: Iterations);
    }
}
