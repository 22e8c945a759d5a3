using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Operator.Tests.Reconcile;

/// <summary>Passes built around a given decision, for tests of what hosts do with a pass's plan and outcome.</summary>
internal static class PassOutcomes
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A plan that took <paramref name="decision"/>, with the order the pass gives it.</summary>
    public static PassPlan Plan(ApiTuningSpec spec, Decision decision, Settings current, PassInput? input = null)
    {
        input ??= new PassInput { ApiId = "shop/orders", Spec = spec, DesiredReplicas = current.Replicas ?? 1, ReadyReplicas = current.Replicas ?? 1, Now = Now };
        return new PassPlan
        {
            Input = input,
            Current = current,
            Decided = new DecisionInput { ApiId = input.ApiId, Spec = spec, Current = current, Now = input.Now, State = input.State },
            Decision = decision,
            Order = TuningPass.OrderFor(input, null, current, decision),
        };
    }

    /// <summary>The outcome of a pass that saw <paramref name="input"/>, took <paramref name="decision"/> and applied it or not.</summary>
    public static PassOutcome Outcome(PassInput input, Decision decision, bool applied = false) =>
        TuningPass.Complete(
            Plan(input.Spec, decision, SettingsInForce.Of(input.DesiredReplicas, input.Delivered, null, input.Database), input),
            applied ? ApplyReport.Done : ApplyReport.Nothing);
}
