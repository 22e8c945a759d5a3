using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// Maps a finding to what should change: a collapse is sized from demand first, a knob above its knee comes back down
/// next, then one rule per bottleneck.
/// </summary>
internal static class TuningPolicy
{
    public static Proposal Propose(DecisionInput input, Finding finding, BudgetContext? budget)
    {
        if (finding.Collapse && input.Window is { } collapsed && CollapsePolicy.Propose(input, finding, collapsed, budget) is { } recover)
        {
            // A collapse is sized from demand before anything else: the service serves nobody until its settings suffice.
            return recover;
        }

        if (input.Window is { } window && ComeBackDownPolicy.Propose(input, finding, window) is { } down)
        {
            // A knob above its knee that costs throughput comes down before anything else moves: a replica added for
            // CPU that threads burn context-switching, or a pool given back later, would treat the symptom.
            return down with { Why = $"{finding.Summary}; {down.Why}" };
        }

        if (!finding.Actionable || input.Window is not { } w)
        {
            if (finding.HoldReason == DecisionReasons.ObjectiveMet && ComfortRun.Tolerated(input) is { } goesOn)
            {
                return Proposal.Hold(DecisionReasons.Stabilizing, $"{finding.Summary}; {goesOn}");
            }

            // The objective met outside a comfortable run: a pool far above the connections ever in use gives them back
            // here too. A start far above the knee on a climbing load otherwise never came down (measured in the proof's
            // over-provisioned profile: a pool of 64 per pod about 1% used held through every window, because the
            // comfortable run broke at the knee before its 60 s and no window after it was actionable).
            return finding.HoldReason == DecisionReasons.ObjectiveMet && input.Window is { } met && GiveBackPolicy.IdlePool(input, met) is { } trim
                ? trim with { Why = $"{finding.Summary}; {trim.Why}" }
                : Proposal.Hold(finding.HoldReason ?? DecisionReasons.NoData, finding.Summary);
        }

        var proposal = finding.Bottleneck switch
        {
            Bottleneck.ThreadStarvation => StarvationPolicy.Propose(input, finding, w),
            Bottleneck.PoolExhaustion => PoolPolicy.Propose(input, finding, w, budget),
            Bottleneck.DatabaseSaturated => PoolPolicy.ShrinkForSaturatedDatabase(input, finding, w),
            Bottleneck.CpuSaturated => CpuPolicy.Propose(input, finding, w, budget),
            Bottleneck.OverProvisioned => GiveBackPolicy.Propose(input, finding, w, budget),
            _ => Proposal.Hold(finding.HoldReason ?? DecisionReasons.ObjectiveMet, finding.Summary),
        };

        // Nothing else to do: a pool far above the connections ever in use gives them back (a busy CPU at its replica
        // limit leaves the idle connections reserved otherwise). Not while the service is comfortable: the give-back
        // lowers the pool there itself, replicas first, and a pool step during its stabilisation window would restart
        // it (measured in over-provisioned: three pool steps delayed the first of nine replicas 300 s -> 720 s, 1.6x
        // the optimum's replica-minutes).
        return proposal.Target is null
            && finding.Bottleneck is not (Bottleneck.ThreadStarvation or Bottleneck.PoolExhaustion or Bottleneck.DatabaseSaturated or Bottleneck.OverProvisioned)
            && GiveBackPolicy.IdlePool(input, w) is { } idle
            ? idle with { Why = $"{finding.Summary}; {idle.Why}" }
            : proposal;
    }
}
