using Autotune.Engine.Diagnosis;
using Autotune.Engine.Model;
using Autotune.Engine.Spec;

namespace Autotune.Engine.Decisions;

/// <summary>
/// The decision core: one pure function from what was observed and remembered to one decision (a knob change with
/// its reason and evidence, a rollback, a recommendation, or a hold with its reason).
/// </summary>
public static class TuningEngine
{
    /// <summary>Decides for one ApiTuning and one window.</summary>
    public static Decision Decide(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var finding = Diagnoser.Diagnose(input.Spec, input.Window, input.Current, input.State, input.Now);
        if (input.Spec.Mode == TuningMode.Paused)
        {
            return Hold(input, finding, DecisionReasons.Paused, "Paused: nothing is decided; " + finding.Summary);
        }

        return Hold(input, finding, finding.HoldReason ?? DecisionReasons.NoRemedy, "Holding: " + finding.Summary);
    }

    internal static Decision Hold(DecisionInput input, Finding finding, string reason, string message) => new()
    {
        Kind = DecisionKind.Hold,
        Bottleneck = finding.Bottleneck,
        Reason = reason,
        Message = message,
        Evidence = finding.Evidence,
        Time = input.Now,
    };
}
