using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>
/// Learns each knob's knee from the judgements of its moves, and keeps raises below it at similar load. A raise judged
/// worse sets the knee (the lowest such value); a lowering judged worse sets the floor; every judged move offers its
/// two windows for the best value served. What was learned at another load is replaced, not merged: the knee moves
/// with the load.
/// </summary>
public static class KneeMemory
{
    /// <summary>The knobs whose knee is learned: in-process settings where too many cost throughput.</summary>
    public static bool Learns(Knob knob) => knob is Knob.ThreadPoolMinThreads or Knob.DbMaxPoolSize;

    /// <summary>What is known of <paramref name="knob"/> at the load of <paramref name="w"/>; null when nothing (or only at another load).</summary>
    public static KnobKnee? At(TuningState state, Knob knob, ObservedWindow? w)
    {
        ArgumentNullException.ThrowIfNull(state);
        return w is not null && state.Knees.FirstOrDefault(k => k.Knob == knob) is { } known && SimilarLoad(known, w.ArrivalRps, w.InFlight)
            ? known
            : null;
    }

    /// <summary>The knees after the change in flight was judged (<paramref name="judgement"/>) on <paramref name="w"/>.</summary>
    public static IReadOnlyList<KnobKnee> Learn(IReadOnlyList<KnobKnee> knees, Judgement judgement, ObservedWindow? w, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(knees);
        ArgumentNullException.ThrowIfNull(judgement);
        if (judgement.Pending is not { IsRollback: false, Before: { } before } p || !Learns(p.Knob) || p.From == p.To || w is null
            || judgement.ConfirmedAt is not { } confirmed || w.Start < confirmed)
        {
            return knees;
        }

        var regressed = judgement.Status == PendingStatus.Regressed;
        if (!regressed && (judgement.Status != PendingStatus.Accepted || RegressionCheck.LoadAlike(before, w) is null))
        {
            // Kept without a comparison at similar load: it teaches nothing about the knee.
            return knees;
        }

        if (before.ErrorRate > Policy.Thresholds.OverloadedErrorRate)
        {
            // Made while the service was failing requests (shedding, timeouts): the windows around it move with the
            // backlog, not with the knob, and a knee learned there caps the very knob the recovery needs (measured in
            // the demo: pool 5 -> 6 judged worse at 72% of requests shed, then every pool raise held as KneeReached
            // while 180 requests waited on 6 connections).
            return knees;
        }

        var load = before.ArrivalRps > 0 ? before.ArrivalRps : before.Rps;
        var known = knees.FirstOrDefault(k => k.Knob == p.Knob);
        var k = known is not null && SimilarLoad(known, load, before.InFlight)
            ? known
            : new KnobKnee { Knob = p.Knob, LoadRps = load, InFlight = before.InFlight };
        k = k with { LearnedAt = now };
        if (regressed)
        {
            k = p.Direction == Direction.Up
                ? k with { Knee = Math.Min(k.Knee ?? int.MaxValue, p.To) }
                : k with { Floor = Math.Max(k.Floor ?? int.MinValue, p.To) };
            k = Better(k, p.From, before.Rps, before.InFlight);
        }
        else
        {
            // A move kept at similar load shows the knee (or floor) learned before is not where it was.
            k = p.Direction == Direction.Up && k.Knee <= p.To ? k with { Knee = null }
                : p.Direction == Direction.Down && k.Floor >= p.To ? k with { Floor = null }
                : k;
            k = Better(Better(k, p.From, before.Rps, before.InFlight), p.To, w.Rps, w.InFlight);
        }

        return [.. knees.Where(x => x.Knob != p.Knob), k];
    }

    /// <summary>
    /// The highest value a raise of <paramref name="knob"/> may reach now: one below its knee at similar load; null
    /// when no knee is known at this load.
    /// </summary>
    public static int? Ceiling(TuningState state, Knob knob, ObservedWindow? w) =>
        At(state, knob, w) is { Knee: { } knee } ? knee - 1 : null;

    /// <summary>
    /// True when <paramref name="w"/> serves each request in flight under <paramref name="share"/> of the rate the best
    /// value did (requests per second per request in flight: the inverse of the time each spends in the service). At
    /// the same concurrency that is less throughput; under open-loop load that merely fell, it is not. False when the
    /// requests in flight are unknown.
    /// </summary>
    public static bool ServesLessThanBest(KnobKnee known, ObservedWindow w, double share)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(w);
        return known.BestRps > 0 && known.BestInFlight > 0 && w.InFlight > 0 && w.Rps >= 0
            && w.Rps / w.InFlight < share * (known.BestRps / known.BestInFlight);
    }

    private static KnobKnee Better(KnobKnee k, int value, double rps, double inFlight) =>
        rps > 0 && !(k.BestRps >= rps) ? k with { Best = value, BestRps = rps, BestInFlight = inFlight } : k;

    private static bool SimilarLoad(KnobKnee k, double arrivals, double inFlight) =>
        RegressionCheck.SimilarLoad(k.LoadRps, arrivals)
        || (double.IsFinite(k.InFlight) && double.IsFinite(inFlight) && RegressionCheck.SimilarLoad(k.InFlight, inFlight));
}
