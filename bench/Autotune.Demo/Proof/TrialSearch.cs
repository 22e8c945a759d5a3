namespace Autotune.Demo.Proof;

/// <summary>
/// A trial-based tuner of the kind Kruize and StormForge run, written here because no optimiser package is served to
/// this build (checked: no Optuna/TPE-like package on the NuGet list): a coordinate search over the grid's lattice.
/// Each trial is one short load test (a ramp to the knee) at one fixed setting. From the workload's starting
/// settings it tries the neighbours one knob at a time (one grid value up and down), moves to the best neighbour
/// while that raises the knee by more than 2%, and restarts from a random untried point (fixed seed) when stuck,
/// until every point was tried. A trial here is the grid's own screening ramp of that point (the same test the
/// search would run), so the search costs the proof no extra load; its minutes are those ramps' minutes.
/// </summary>
public static class TrialSearch
{
    /// <summary>A move must raise the knee by more than this share.</summary>
    public const double MinGain = 0.02;

    /// <summary>How close to the grid's best knee counts as found.</summary>
    public const double Within = 0.05;

    /// <summary>The order in which the search tries the grid's points, starting from the one nearest <paramref name="start"/>.</summary>
    public static IReadOnlyList<StaticSettings> Order(ProofLattice lattice, StaticSettings start, Func<StaticSettings, double> knee, int seed = 17)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(knee);
        var random = new Random(seed);
        var tried = new List<StaticSettings>();
        var seen = new HashSet<StaticSettings>();
        double Try(StaticSettings s)
        {
            if (seen.Add(s))
            {
                tried.Add(s);
            }

            return knee(s);
        }

        var current = lattice.Nearest(start);
        var currentKnee = Try(current);
        while (seen.Count < lattice.Points.Count)
        {
            var best = current;
            var bestKnee = currentKnee;
            foreach (var neighbour in lattice.Neighbours(current))
            {
                var k = Try(neighbour);
                if (k > bestKnee * (1 + MinGain))
                {
                    (best, bestKnee) = (neighbour, k);
                }
            }

            if (best != current)
            {
                (current, currentKnee) = (best, bestKnee);
                continue;
            }

            var untried = lattice.Points.Where(p => !seen.Contains(p)).ToList();
            if (untried.Count == 0)
            {
                break;
            }

            current = untried[random.Next(untried.Count)];
            currentKnee = Try(current);
        }

        return tried;
    }

    /// <summary>Trials until the first whose knee is within 5% of <paramref name="bestKnee"/> (1-based; the whole order when none is).</summary>
    public static int TrialsToWithin(IReadOnlyList<StaticSettings> order, Func<StaticSettings, double> knee, double bestKnee)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(knee);
        for (var i = 0; i < order.Count; i++)
        {
            if (knee(order[i]) >= bestKnee * (1 - Within))
            {
                return i + 1;
            }
        }

        return order.Count;
    }

    /// <summary>Expected trials of a random search without repetition until it first draws one of <paramref name="good"/> points among <paramref name="points"/>: (N + 1) / (k + 1).</summary>
    public static double RandomSearchExpected(int points, int good) =>
        good <= 0 ? double.NaN : (points + 1.0) / (good + 1.0);
}

/// <summary>The grid as a lattice: each knob's values in order, so a point has neighbours one value up and down.</summary>
/// <param name="Replicas">Replica counts.</param>
/// <param name="MinThreads">Minimum threads (null: the runtime default, the lowest).</param>
/// <param name="Pools">Pool sizes.</param>
/// <param name="MaxConnections">max_connections values.</param>
public sealed record ProofLattice(IReadOnlyList<int> Replicas, IReadOnlyList<int?> MinThreads, IReadOnlyList<int> Pools, IReadOnlyList<int> MaxConnections)
{
    /// <summary>Every point.</summary>
    public IReadOnlyList<StaticSettings> Points => ProofScore.Grid(MinThreads, Pools, MaxConnections, Replicas);

    /// <summary>The point whose every knob is the grid value nearest the given one.</summary>
    public StaticSettings Nearest(StaticSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        static T Near<T>(IReadOnlyList<T> values, Func<T, double> value, double target) => values.OrderBy(v => Math.Abs(Math.Log(Math.Max(value(v), 1)) - Math.Log(Math.Max(target, 1)))).First();
        return new StaticSettings(
            Near(MinThreads, t => t ?? 2, s.MinThreads ?? 2),
            Near(Pools, p => p, s.Pool),
            Near(MaxConnections, c => c, s.MaxConnections),
            Near(Replicas, r => r, s.Replicas));
    }

    /// <summary>The points one value up or down in one knob.</summary>
    public IEnumerable<StaticSettings> Neighbours(StaticSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        foreach (var pool in Adjacent(Pools, s.Pool))
        {
            yield return s with { Pool = pool };
        }

        foreach (var threads in Adjacent(MinThreads, s.MinThreads))
        {
            yield return s with { MinThreads = threads };
        }

        foreach (var connections in Adjacent(MaxConnections, s.MaxConnections))
        {
            yield return s with { MaxConnections = connections };
        }

        foreach (var replicas in Adjacent(Replicas, s.Replicas))
        {
            yield return s with { Replicas = replicas };
        }
    }

    private static IEnumerable<T> Adjacent<T>(IReadOnlyList<T> values, T value)
    {
        var i = values.ToList().IndexOf(value);
        if (i > 0)
        {
            yield return values[i - 1];
        }

        if (i >= 0 && i < values.Count - 1)
        {
            yield return values[i + 1];
        }
    }
}
