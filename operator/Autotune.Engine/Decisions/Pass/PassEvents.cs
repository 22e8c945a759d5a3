using System.Globalization;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>
/// The Events of a pass: the faults it met, every change made (a rollback as a Warning), each recommendation and
/// refusal once rather than every window, and what a max_connections change found.
/// </summary>
internal static class PassEvents
{
    /// <summary>The Events, in order; <paramref name="reported"/> is the key that tells a repeated decision next time.</summary>
    public static IReadOnlyList<TuningEvent> Of(PassPlan plan, ApplyReport report, string? error, out string reported)
    {
        var input = plan.Input;
        var decision = plan.Decision;
        var now = input.Now;
        var last = input.State.LastReported;
        var events = new List<TuningEvent>();
        void Add(string type, string reason, string message) => events.Add(new TuningEvent(now, type, reason, message));

        if (input.DatabaseError is { } databaseError)
        {
            Add(TuningEvent.Warning, EventReasons.DatabaseUnreachable, databaseError);
        }

        if (input.ScaleNote is { } note && input.Spec.Knobs.Replicas is not null && last is null)
        {
            Add(TuningEvent.Normal, EventReasons.ReplicasRecommendedOnly, note);
        }

        reported = string.Create(CultureInfo.InvariantCulture, $"{decision.Kind}/{decision.Reason}/{decision.Knob}/{decision.To}");
        if (error is not null)
        {
            if (decision.IsAction && TuningPass.CarriedPart(plan.Order, decision, report) is not null)
            {
                // Applied in part: what was carried out is told like any change, the rest as the failure.
                Add(decision.Kind == DecisionKind.Rollback ? TuningEvent.Warning : TuningEvent.Normal, decision.Reason, decision.Message);
            }

            Add(TuningEvent.Warning, EventReasons.ApplyFailed, error);
        }
        else if (decision.IsAction)
        {
            Add(decision.Kind == DecisionKind.Rollback ? TuningEvent.Warning : TuningEvent.Normal, decision.Reason, decision.Message);
        }
        else if (reported != last && (decision.Kind == DecisionKind.Recommend || IsRefusal(decision.Reason)))
        {
            Add(decision.Kind == DecisionKind.Recommend ? TuningEvent.Normal : TuningEvent.Warning, decision.Reason, decision.Message);
        }

        if (report.MaxConnections is { } mc && error is null)
        {
            if (!mc.Restarted && mc.Running != mc.To && plan.Order is ApplyOrder.SetMaxConnections { RestartRefused: { } why })
            {
                Add(TuningEvent.Warning, EventReasons.PendingRestart, Invariant($"max_connections {mc.Running} -> {mc.To} set with ALTER SYSTEM and waits for a restart of {mc.Server}: {why}"));
            }
            else if (mc.Restarted)
            {
                Add(mc.ReadBack == mc.To ? TuningEvent.Normal : TuningEvent.Warning, EventReasons.RestartedDatabase, mc.ReadBack == mc.To
                    ? Invariant($"Restarted {mc.Server}; SHOW max_connections confirms {mc.ReadBack}")
                    : Invariant($"Restarted {mc.Server} but SHOW max_connections reads {mc.ReadBack}, not {mc.To}; pools will not grow on it"));
            }
        }

        return events;
    }

    /// <summary>Holds that refuse what the service needs: told as Warnings.</summary>
    public static bool IsRefusal(string reason) => reason is DecisionReasons.BudgetExhausted or DecisionReasons.AtBudgetLimit
        or DecisionReasons.DatabaseSaturated or DecisionReasons.WaitingForMaintenanceWindow or DecisionReasons.NoRemedy
        or DecisionReasons.ChangeNotConfirmed or DecisionReasons.MoveBarred or DecisionReasons.KneeReached;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
