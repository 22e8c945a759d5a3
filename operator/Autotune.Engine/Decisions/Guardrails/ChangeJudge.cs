using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>
/// Follows the change in flight: confirmed when every pod reports its tuning generation (or the workload its
/// replicas, or SHOW max_connections its value); judged only on a full window that starts after confirmation, so a
/// new pool has warmed; given up when not confirmed within ten windows (at least ten minutes). No change is judged
/// on, or against, a window a database restart disturbed (<see cref="RestartDisturbance"/>).
/// </summary>
public static class ChangeJudge
{
    /// <summary>Where the pending change stands for this input.</summary>
    public static Judgement Evaluate(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var p = input.State.Pending;
        if (p is null)
        {
            return new Judgement(PendingStatus.None, null, string.Empty, null);
        }

        var w = input.Window;
        var windowLength = WindowDuration.Parse(input.Spec.Metrics.Window);
        var confirmedAt = p.ConfirmedAt ?? (Confirmed(p, input) ? w?.End ?? input.Now : null);
        if (confirmedAt is null)
        {
            var timeout = TimeSpan.FromTicks(Math.Max(windowLength.Ticks * 10, TimeSpan.FromMinutes(10).Ticks));
            return input.Now - p.DecidedAt > timeout
                ? new Judgement(PendingStatus.TimedOut, null,
                    $"{p.Describe()} was not confirmed within {Num.F(timeout.TotalMinutes)} min", p)
                : new Judgement(PendingStatus.AwaitingConfirmation, null, Awaited(p, input), p);
        }

        if (p.IsRollback || p.From == p.To || p.Knob == Knob.PostgresMaxConnections || p.Reason == DecisionReasons.ConsolidateReplicas
            || !input.Spec.Behavior.RollbackOnRegression || p.Before is null)
        {
            // A rollback is never rolled back; max_connections only makes room, and a consolidation is the first step of
            // a pool raise: the pool change after them is judged.
            return new Judgement(PendingStatus.Accepted, confirmedAt, "confirmed", p);
        }

        if (w is not null && w.Start < confirmedAt && p.Reason == DecisionReasons.GiveBackCapacity
            && !RegressionCheck.SimilarLoad(p.Before.Rps, w.Rps) && Diagnoser.OverObjective(w, input.Spec.Objectives))
        {
            // Load moved (a spike) while a give-back warmed: it can no longer be judged at similar load, and waiting
            // for its warm-up would hold the change the new load needs.
            return new Judgement(PendingStatus.Accepted, confirmedAt,
                $"load moved {Num.F(p.Before.Rps)} -> {Num.F(w.Rps)} rps while {p.Describe()} warmed; it cannot be judged at similar load", p);
        }

        if (w is null || w.Start < confirmedAt
            || DataSufficiency.Check(w, windowLength, input.Spec.Objectives.MaxQueueDepth, input.Now) is not null)
        {
            return new Judgement(PendingStatus.Warming, confirmedAt,
                $"{p.Describe()} is confirmed; judging it on the first full window after it", p);
        }

        if (RestartDisturbance.Of(w, input.State) is { } disturbed
            && input.Now - confirmedAt.Value <= TimeSpan.FromTicks(windowLength.Ticks * 10))
        {
            // Failures and refilling pools say nothing about the change; a server that keeps failing for ten windows is
            // judged anyway (the change may be the cause).
            return new Judgement(PendingStatus.Warming, confirmedAt,
                $"{p.Describe()} is confirmed; not judged on a window disturbed by a database restart ({disturbed}), waiting for a clean one", p);
        }

        if (RestartDisturbance.Of(p.Before, input.State, windowLength) is { } disturbedBefore)
        {
            // The window it was made on is no baseline: a restart's failures and refilling pools make any later window
            // look better or worse for reasons that are not the change.
            return new Judgement(PendingStatus.Accepted, confirmedAt,
                $"kept unjudged: the window it was made on was disturbed by a database restart ({disturbedBefore})", p);
        }

        if (p.Knob == Knob.Replicas && p.To < p.From && p.Reason == DecisionReasons.GiveBackCapacity
            && !(w.CpuUtilization >= Thresholds.CpuSaturated) && p.Before.ConnectionHoldMeanMs > 0
            && w.ConnectionHoldMeanMs >= p.Before.ConnectionHoldMeanMs * Thresholds.HoldVersusBaseline)
        {
            // Connections held far longer with the pods' CPU unsaturated: the database slowed down. Fewer pods with the
            // same pool each open fewer connections, so a replica give-back cannot be what saturated it, and undoing
            // it (barring scale-in for an hour) would only add connections to it; the saturation is treated instead.
            return new Judgement(PendingStatus.Accepted, confirmedAt,
                $"kept: connections are held {Num.Ms(w.ConnectionHoldMeanMs)}, {Num.F(w.ConnectionHoldMeanMs / p.Before.ConnectionHoldMeanMs)}x the "
                + $"{Num.Ms(p.Before.ConnectionHoldMeanMs)} before it, with the pods' CPU at {Num.Pct(w.CpuUtilization)}: the database, not the pods, is "
                + "the limit after it, and fewer pods open fewer connections", p);
        }

        // A trim after which nobody waited for one of its connections cannot be what moved P99 or the share under the objective:
        // it is judged on throughput alone (seen in the simulator's cpu-bound scenario with trims allowed during the
        // stabilisation window, a variant not kept: a trim 10 -> 5 with no connection in use at any scrape was rolled
        // back on P99 64.8 -> 71.7 ms at 60% CPU, and the pool's give-back barred for an hour).
        var objectives = input.Spec.Objectives;
        var why = p.Reason == DecisionReasons.TrimIdlePool && !Diagnoser.OverObjective(w, objectives) && NobodyWaitsAfterTrim(p, w, objectives)
            ? RegressionCheck.ThroughputFell(p.Before, w)
            : RegressionCheck.Regressed(p.Before, w, objectives, p.Reason == DecisionReasons.GiveBackCapacity,
                raised: p.To > p.From && p.Knob is Knob.DbMaxPoolSize or Knob.ThreadPoolMinThreads ? p.Knob : null);
        return why is null
            ? new Judgement(PendingStatus.Accepted, confirmedAt, "kept", p)
            : new Judgement(PendingStatus.Regressed, confirmedAt, why, p);
    }

    /// <summary>
    /// True when nobody waited for one of the trimmed pool's connections after the trim: nobody waited at all, or the pool
    /// stayed in use under half the time (<see cref="Diagnoser.NobodyWaitsForItsSize"/>) with its wait no longer than
    /// <see cref="Thresholds.PoolWaitInflation"/> times the wait before it. A wait that grew past that came with the trim.
    /// </summary>
    private static bool NobodyWaitsAfterTrim(PendingChange p, ObservedWindow w, Objectives objectives) =>
        Diagnoser.NobodyWaitsForAConnection(w, objectives)
        || (Diagnoser.NobodyWaitsForItsSize(w, objectives, p.To) && p.Before is { PoolWaitP99Ms: var before } && double.IsFinite(before)
            && w.PoolWaitP99Ms <= Math.Max(before, objectives.MaxPoolWaitMs * Thresholds.Comfortable) * Thresholds.PoolWaitInflation);

    private static bool Confirmed(PendingChange p, DecisionInput input)
    {
        var w = input.Window;
        return p.Knob switch
        {
            Knob.Replicas => input.Current.Replicas == p.To && w is not null && w.Pods == p.To && w.MissingPods == 0,
            Knob.PostgresMaxConnections => input.Current.PostgresMaxConnections == p.To,
            _ when p.ExpectedGeneration is { } g => w is not null && w.AppliedGenerationMin >= g && w.GenerationsAgree && w.MissingPods == 0,
            Knob.ThreadPoolMinThreads => w?.AppliedMinThreads == p.To && w.MissingPods == 0,
            Knob.DbMaxPoolSize => w?.AppliedPoolSize == p.To && w.MissingPods == 0,
            _ => false,
        };
    }

    private static string Awaited(PendingChange p, DecisionInput input)
    {
        var w = input.Window;
        var what = p.Knob switch
        {
            Knob.Replicas => $"{w?.Pods ?? 0} of {p.To} pods report",
            Knob.PostgresMaxConnections => $"SHOW max_connections still reports {input.Current.PostgresMaxConnections?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"}",
            _ when p.ExpectedGeneration is { } g => $"pods report tuning generation {w?.AppliedGenerationMin ?? 0}, expecting {g}",
            _ => "the pods do not report the new value yet",
        };
        return $"waiting for {p.Describe()} to take effect: {what}";
    }
}
