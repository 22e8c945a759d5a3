using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// Come back down: minimum threads or the pool that sit above their knee and cost throughput are lowered, a bounded
/// step (at most halved) at a time, never to or below a floor a lowering was judged worse at. Two readings of "above
/// the knee": the knob is at least twice what the demand asks (arrivals x the uncontended service or hold time, with
/// headroom) while that excess shows its cost (<see cref="Cost"/>: CPU saturated by the threads; connections held far
/// longer than uncontended for the pool); or it is above the value this API served best at similar load, and serves each request in
/// flight at under 90% of the rate it did (<see cref="KneeMemory.ServesLessThanBest"/>). Stopping the raises is not
/// enough (measured: 144 threads with a pool of 10 served 0.7x the throughput at 2.2x the P99 of the runtime's default
/// threads). The move is judged like any other, kept when throughput at similar load is not worse and rolled back (and
/// barred) when it is.
/// </summary>
internal static class ComeBackDownPolicy
{
    /// <summary>Throughput below this share of the best served at similar load is a cost worth coming down for.</summary>
    public const double BelowBest = 0.9;

    /// <summary>How many times what the demand asks a knob must be before it counts as well above it.</summary>
    public const double WellAbove = 2;

    /// <summary>The lowering proposed, or null when no knob sits above its knee at a cost.</summary>
    public static Proposal? Propose(DecisionInput input, Finding finding, ObservedWindow w)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(finding);
        if (finding.Bottleneck is Bottleneck.ThreadStarvation or Bottleneck.PoolExhaustion or Bottleneck.DatabaseSaturated
            || DataSufficiency.Check(w, WindowDuration.Parse(input.Spec.Metrics.Window), input.Spec.Objectives.MaxQueueDepth, input.Now, starvationException: false) is not null)
        {
            return null;
        }

        // Over the objective, only threads burning a saturated CPU come down: any other window over it is a load the
        // service does not carry (a burst, a collapse), whose hold times and throughput say nothing of the knob's knee
        // (measured in the database-bound benchmark: a pool lowered on a burst's 29 s P99 was judged worse and could
        // not be undone within the connection budget).
        var over = Diagnoser.OverObjective(w, input.Spec.Objectives);
        if (over && finding.Bottleneck != Bottleneck.CpuSaturated)
        {
            return null;
        }

        return Lower(input, w, Knob.ThreadPoolMinThreads) ?? (over ? null : Lower(input, w, Knob.DbMaxPoolSize));
    }

    /// <summary>
    /// What the demand asks of a knob per pod: arrivals x the uncontended time, with headroom; null when neither that
    /// time nor, for threads on a saturated CPU, the CPU each request takes is known.
    /// </summary>
    public static int? Demand(ObservedWindow w, ServiceBaseline? baseline, Knob knob)
    {
        ArgumentNullException.ThrowIfNull(w);
        return (knob, baseline) switch
        {
            (Knob.ThreadPoolMinThreads, { ServiceMs: > 0 } b) => (int)Math.Ceiling(LittleSizing.ArrivalsPerPod(w) * b.ServiceMs / 1000 * Thresholds.Headroom),
            (Knob.ThreadPoolMinThreads, _) when CpuMsPerRequest(w) is { } cpuMs => (int)Math.Ceiling(LittleSizing.ArrivalsPerPod(w) * cpuMs / 1000 * Thresholds.Headroom),
            (Knob.DbMaxPoolSize, { HoldMs: > 0 } b) when w.ConnectionUsesPerSecond > 0 => LittleSizing.PoolAtHold(w, b.HoldMs),
            _ => null,
        };
    }

    /// <summary>
    /// CPU milliseconds each completed request took, per pod (CPU seconds used / completions), when the CPU is saturated
    /// and no uncontended window has shown the service time; null otherwise. An API that is saturated from its first
    /// window never shows an uncontended one (measured in busy-async-over-provisioned: 144 threads at 100% CPU, P99 past
    /// 29 s from minute 0, no baseline all hour), yet a request holds a thread at least while it runs, and on a
    /// saturated CPU threads beyond arrivals x that time only take turns on the same cores. It includes the switching
    /// the excess threads cost, so it over-states the demand when they are many: a lowering toward it stays on the safe
    /// side, and each step is judged.
    /// </summary>
    public static double? CpuMsPerRequest(ObservedWindow w)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (!(w.CpuUtilization >= Thresholds.CpuSaturated) || !(w.Rps > 0) || w.PerPod.Count == 0)
        {
            return null;
        }

        var cpuSecondsPerSecond = w.PerPod.Sum(p => double.IsFinite(p.CpuUtilization) && double.IsFinite(p.CpuCores) ? p.CpuUtilization * p.CpuCores : 0);
        return cpuSecondsPerSecond > 0 ? cpuSecondsPerSecond / w.Rps * 1000 : null;
    }

    /// <summary>
    /// What the knob's excess costs, in words; null when nothing shows it does. Threads beyond the demand cost CPU in
    /// context switches once they exist (the runtime creates them on demand): CPU saturated, in the process or its
    /// cgroup, while the pool runs at least <see cref="WellAbove"/> times the threads the demand asks. A machine without
    /// idle CPU is not that cost: in the proof's over-provisioned run (2 pods at 28-31% CPU, the machine under 8% idle)
    /// threads lowered on it 256 -> 16 in 6 decisions held the same knee as 256 (4,626-5,320 req/s both). A CPU busy with
    /// load while the threads stay few is the load's, for replicas to carry. Connections beyond the demand cost inside
    /// the database: each is held far longer than uncontended. That cost is the pool's to relieve: fewer threads only
    /// queue the same requests in front of the same connections (measured in the database-bound benchmark: lowering
    /// threads 64 -> 32 on inflated hold times left no request within the objective, and was rolled back).
    /// </summary>
    public static string? Cost(ObservedWindow w, ServiceBaseline? baseline, Knob knob, int demand)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (knob == Knob.ThreadPoolMinThreads)
        {
            var threads = StarvationSignal.ThreadsPeak(w);
            return threads < WellAbove * demand ? null
                : w.CpuUtilization >= Thresholds.CpuSaturated ? $"{Num.F(threads)} threads run with CPU at {Num.Pct(w.CpuUtilization)}"
                : StarvationSignal.CgroupSaturated(w) ? $"{Num.F(threads)} threads run while {StarvationSignal.HostBusy(w) ?? "the container is at its CPU limit"}"
                : null;
        }

        return baseline is { HoldMs: > 0 } b && w.ConnectionHoldMeanMs >= b.HoldMs * Thresholds.HoldVersusBaseline && !CpuBoundHolds(w)
            ? $"connections are held {Num.Ms(w.ConnectionHoldMeanMs)}, {Num.F(w.ConnectionHoldMeanMs / b.HoldMs)}x the uncontended {Num.Ms(b.HoldMs)} (the database contends)"
            : null;
    }

    /// <summary>
    /// True when the API's own CPU is short (the process saturated, its cgroup at its quota, its machine without idle
    /// room, or stolen from): a connection is then held while the request that opened it waits for a core between
    /// its commands, so a long hold says nothing of the database, and fewer connections serve fewer requests at the
    /// same hold (measured in the proof's fast-async run: a pool lowered 10 -> 5 on holds 2.85x uncontended, with the
    /// machine's CPU 0.8% idle, served 0.46x the load in the window after and was rolled back).
    /// </summary>
    public static bool CpuBoundHolds(ObservedWindow w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return w.CpuUtilization >= Thresholds.CpuSaturated || StarvationSignal.CgroupSaturated(w)
            || w.MachineCpuIdleShare < Thresholds.MachineIdleRoom || w.CpuStealShare > Thresholds.StealHigh;
    }

    private static Proposal? Lower(DecisionInput input, ObservedWindow w, Knob knob)
    {
        if (StepBounds.BudgetOf(input.Spec.Knobs, knob) is not { } budget || input.Current.Get(knob) is not { } from || from <= budget.Min)
        {
            return null;
        }

        var known = KneeMemory.At(input.State, knob, w);
        var floor = Math.Max(budget.Min, known?.Floor is { } f ? f + 1 : budget.Min);
        int target;
        string why;
        if (Demand(w, input.State.Baseline, knob) is { } demand && from >= WellAbove * Math.Max(1, Math.Max(demand, budget.Min))
            && Cost(w, input.State.Baseline, knob, Math.Max(1, demand)) is { } cost)
        {
            target = Math.Max(demand, floor);
            why = $"{Label.Of(knob)} {from} is {Num.F(from / (double)Math.Max(1, demand))}x the {demand} per pod the demand asks "
                + $"({Num.F(LittleSizing.ArrivalsPerPod(w))} rps arriving per pod x "
                + (knob != Knob.ThreadPoolMinThreads ? $"the uncontended {Num.Ms(input.State.Baseline!.HoldMs)} hold time"
                    : input.State.Baseline is { ServiceMs: > 0 } b ? $"the uncontended {Num.Ms(b.ServiceMs)} service time"
                    : $"the {Num.Ms(CpuMsPerRequest(w) ?? double.NaN)} of CPU each request took, no uncontended window seen yet")
                + $" x {Num.F(Thresholds.Headroom)}) while {cost}: the excess costs throughput";
        }
        else if (known is { Best: { } best } && best < from && KneeMemory.ServesLessThanBest(known, w, BelowBest))
        {
            target = Math.Max(best, floor);
            why = $"{Label.Of(knob)} {from} serves {Num.F(w.Rps)} rps with {Num.F(w.InFlight)} requests in flight where {best} served "
                + $"{Num.F(known.BestRps)} with {Num.F(known.BestInFlight)} at similar load: it sits above its knee";
        }
        else
        {
            return null;
        }

        var to = Math.Max(target, StepBounds.MinDown(from));
        return to < from
            ? Proposal.Change(DecisionReasons.ComeBackDown, $"{why}; toward {target}, at most halving it in one step", input.Current.With(knob, to))
            : null;
    }
}
