namespace Autotune.OperatorBench;

/// <summary>
/// What became of the changes the operator decided for the ApiTunings whose pods ask for them (<see cref="StarvingPods"/>):
/// every decision against the tuning ConfigMap writes, as the API server stored them and attributed them to the
/// instance that made them. Each list names its cases, empty when there are none.
/// </summary>
public sealed record ChangeAudit
{
    /// <summary>ApiTunings whose pods ask for changes.</summary>
    public int Targets { get; init; }

    /// <summary>Tuning ConfigMap writes the server stored (creates and changes), by the instance that made them.</summary>
    public required IReadOnlyDictionary<string, int> Writes { get; init; }

    /// <summary>Minimum-threads decisions (changes, rollbacks, changes resumed from the cluster) that status recorded, any version of it.</summary>
    public int Decisions { get; init; }

    /// <summary>Of <see cref="Decisions"/>, those a new instance resumed from the ConfigMap (written, not yet in status).</summary>
    public int Resumed { get; init; }

    /// <summary>Decision Events (changes and rollbacks) the server stored.</summary>
    public int DecisionEvents { get; init; }

    /// <summary>Decisions that status recorded with no tuning ConfigMap write making that move.</summary>
    public IReadOnlyList<string> DecisionsWithoutWrite { get; init; } = [];

    /// <summary>Tuning ConfigMap writes whose move no status ever recorded as a decision (a change lost from the record).</summary>
    public IReadOnlyList<string> WritesWithoutDecision { get; init; } = [];

    /// <summary>Decision Events whose decision no status ever recorded.</summary>
    public IReadOnlyList<string> EventsWithoutStatus { get; init; } = [];

    /// <summary>A tuning generation written twice with different content (a change applied twice under one generation).</summary>
    public IReadOnlyList<string> GenerationsWrittenTwice { get; init; } = [];

    /// <summary>Successful tuning ConfigMap writes that changed nothing: a file already in place written again (the same change applied twice).</summary>
    public IReadOnlyList<string> Rewrites { get; init; } = [];

    /// <summary>A move written again right after itself: a generation whose minimum threads equal the previous one's.</summary>
    public IReadOnlyList<string> RepeatedMoves { get; init; } = [];

    /// <summary>
    /// ApiTunings whose minimum threads disagree at the end between status (current, with no change in flight), the
    /// tuning ConfigMap and what the pods report applied, each as "key: status a, ConfigMap b, pods c".
    /// </summary>
    public IReadOnlyList<string> Disagreeing { get; init; } = [];

    /// <summary>From the end of the faults (demand met) until every ApiTuning agreed, or the limit waited.</summary>
    public TimeSpan Settled { get; init; }

    /// <summary>The most tuning ConfigMap writes of one ApiTuning.</summary>
    public int MostWritesOfOne { get; init; }

    /// <summary>The highest minimum threads any of them reached.</summary>
    public int HighestMinThreads { get; init; }

    /// <summary>Total tuning ConfigMap writes.</summary>
    public int TotalWrites => Writes.Values.Sum();

    /// <summary>True when nothing was lost, applied twice or left disagreeing.</summary>
    public bool Clean => DecisionsWithoutWrite.Count == 0 && WritesWithoutDecision.Count == 0 && EventsWithoutStatus.Count == 0
        && GenerationsWrittenTwice.Count == 0 && Rewrites.Count == 0 && RepeatedMoves.Count == 0 && Disagreeing.Count == 0;

    /// <summary>One line for a report.</summary>
    public string Summary()
    {
        static string List(IReadOnlyList<string> items) => items.Count == 0 ? "0" : $"{items.Count}: {string.Join("; ", items.Take(10))}{(items.Count > 10 ? "; ..." : string.Empty)}";
        return $"{Targets} ApiTunings asking for changes; {TotalWrites} tuning ConfigMap writes ({string.Join(", ", Writes.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key} {w.Value}"))}), "
            + $"at most {MostWritesOfOne} for one, minimum threads up to {HighestMinThreads}; {Decisions} decisions in status ({Resumed} resumed from the ConfigMap), {DecisionEvents} decision Events; "
            + $"decisions without their write {List(DecisionsWithoutWrite)}; writes without their decision {List(WritesWithoutDecision)}; Events without their decision in status {List(EventsWithoutStatus)}; "
            + $"generations written twice {List(GenerationsWrittenTwice)}; files written again {List(Rewrites)}; moves repeated {List(RepeatedMoves)}; "
            + $"disagreeing at the end {List(Disagreeing)} (settled {Settled.TotalSeconds:F1} s after the demand was met)";
    }
}
