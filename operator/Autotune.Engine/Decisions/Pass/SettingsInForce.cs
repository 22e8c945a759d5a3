using Autotune.Contracts;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>The settings in force, and the tuning file that changes one of them: worked out here and nowhere else.</summary>
public static class SettingsInForce
{
    /// <summary>
    /// Replicas as the workload asks for them, in-process settings as delivered (or, before any tuning file, as the
    /// pods report them applied), max_connections as SHOW reads it.
    /// </summary>
    public static Settings Of(int desiredReplicas, TuningFile? delivered, ObservedWindow? window, DatabaseState? database) => new(
        desiredReplicas,
        delivered?.ThreadPoolMinThreads ?? window?.AppliedMinThreads,
        delivered?.DbMaxPoolSize ?? window?.AppliedPoolSize,
        database?.MaxConnections);

    /// <summary>
    /// The tuning file that moves <paramref name="knob"/> to <paramref name="to"/>: the other in-process knob keeps its
    /// delivered value (or, before any file, its value in force when the spec manages it; an unmanaged knob is left to
    /// the app), and the generation is past both the delivered one and every generation a pod reports. The shedding
    /// deadline keeps its delivered value; with none, <paramref name="shed"/> turns it on at the P99 objective: a
    /// request that has waited that long before the app sees it has missed the objective already, and serving it
    /// costs a request that has not.
    /// </summary>
    public static TuningFile Deliver(Knob knob, int to, ApiTuningSpec spec, TuningFile? delivered, ObservedWindow? window, Settings current, bool shed = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(current);
        var threads = knob == Knob.ThreadPoolMinThreads ? to
            : delivered?.ThreadPoolMinThreads ?? (spec.Knobs.ThreadPoolMinThreads is null ? null : current.ThreadPoolMinThreads);
        var pool = knob == Knob.DbMaxPoolSize ? to
            : delivered?.DbMaxPoolSize ?? (spec.Knobs.DbMaxPoolSize is null ? null : current.DbMaxPoolSize);
        var generation = Math.Max(delivered?.Generation ?? 0, window?.AppliedGenerationMin ?? 0) + 1;
        var shedAfter = delivered?.ShedAfterMilliseconds
            ?? (shed ? (int)Math.Clamp(Math.Ceiling(spec.Objectives.P99LatencyMs), 1, TuningFile.MaxShedAfterMilliseconds) : null);
        return new TuningFile(generation, threads, pool, ShedAfterMilliseconds: shedAfter);
    }
}
