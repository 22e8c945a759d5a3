using Autotune.Engine.Resource.Spec;

namespace Autotune.Simulation.Runner;

/// <summary>The outcome of one controller on one scenario, judged on what really happened.</summary>
public sealed record RunResult
{
    /// <summary>Minutes at the end of a run that count as steady state.</summary>
    public const int SteadyMinutes = 15;

    /// <summary>Scenario name.</summary>
    public required string Scenario { get; init; }

    /// <summary>Controller name.</summary>
    public required string Controller { get; init; }

    /// <summary>Per API (scenario order), one record per minute.</summary>
    public required IReadOnlyList<IReadOnlyList<MinuteRecord>> Minutes { get; init; }

    /// <summary>Every change made.</summary>
    public required IReadOnlyList<AppliedChange> Changes { get; init; }

    /// <summary>Wall-clock milliseconds the run took.</summary>
    public double WallMs { get; init; }

    /// <summary>True when every API met its objective in minute <paramref name="m"/>.</summary>
    public bool MetAt(int m) => Minutes.All(api => m < api.Count && api[m].Met);

    /// <summary>Number of whole minutes simulated.</summary>
    public int MinuteCount => Minutes.Count == 0 ? 0 : Minutes.Min(a => a.Count);

    /// <summary>First minute (from 0) whose every API met the objective; null when none did.</summary>
    public int? MinutesToMeet => Enumerable.Range(0, MinuteCount).Cast<int?>().FirstOrDefault(m => MetAt(m!.Value));

    /// <summary>Minutes in which some API missed its objective.</summary>
    public int MinutesOver => Enumerable.Range(0, MinuteCount).Count(m => !MetAt(m));

    /// <summary>Replica-minutes over the steady-state minutes (all APIs).</summary>
    public double SteadyReplicaMinutes => SteadyMinutesRange().Sum(m => Minutes.Sum(a => a[m].Replicas));

    /// <summary>Mean configured connections (replicas x pool, all APIs) over the steady-state minutes.</summary>
    public double SteadyConnections => SteadyMinutesRange().Average(m => Minutes.Sum(a => a[m].Replicas * (double)a[m].PoolSize));

    /// <summary>max_connections at the end.</summary>
    public int FinalMaxConnections => Minutes[0][^1].MaxConnections;

    /// <summary>Changes that left a knob outside its budget or the connection budget more broken.</summary>
    public int Violations => Changes.Count(c => c.Violation);

    /// <summary>Times a knob of an API moved opposite to its previous move.</summary>
    public int Reversals => ReversalsPerKnob().Values.Sum();

    /// <summary>The most reversals any one knob of any one API made, per simulated hour.</summary>
    public double MaxReversalsPerKnobPerHour
    {
        get
        {
            var perKnob = ReversalsPerKnob();
            return perKnob.Count == 0 ? 0 : perKnob.Values.Max() / Math.Max(1.0 / 60, MinuteCount / 60.0);
        }
    }

    private Dictionary<(string, Knob), int> ReversalsPerKnob()
    {
        var last = new Dictionary<(string, Knob), int>();
        var reversals = new Dictionary<(string, Knob), int>();
        foreach (var c in Changes.Where(c => c.To != c.From))
        {
            var key = (c.Api, c.Knob);
            var direction = Math.Sign(c.To - c.From);
            if (last.TryGetValue(key, out var previous) && previous != direction)
            {
                reversals[key] = reversals.GetValueOrDefault(key) + 1;
            }

            last[key] = direction;
        }

        return reversals;
    }

    private IEnumerable<int> SteadyMinutesRange()
    {
        var count = MinuteCount;
        var from = Math.Max(0, count - SteadyMinutes);
        return Enumerable.Range(from, count - from);
    }
}
