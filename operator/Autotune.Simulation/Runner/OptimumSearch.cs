using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Control;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Runner;

/// <summary>
/// The cheapest static setting that meets the objective: an exhaustive search over a grid of replicas x minimum
/// threads x pool x max_connections inside the budgets and the connection invariant, cheapest first (replicas, then
/// connections), each candidate run over the whole scenario and stopped as soon as it misses more than allowed.
/// </summary>
public static class OptimumSearch
{
    /// <summary>Minutes at the start a static setting may miss while the world warms up.</summary>
    public const int WarmupMinutes = 2;

    /// <summary>Minutes after the warm-up a static setting may miss and still count as meeting the objective.</summary>
    public const int AllowedMinutesOver = 1;

    private static readonly int[] Threads = [16, 64, 256];
    private static readonly int[] Pools = [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 100];
    private static readonly int[] MaxConnections = [100, 200, 300, 500];

    /// <summary>The optimum, or null when no candidate in the grid meets the objective; also how many runs it took.</summary>
    public static (RunResult? Best, StaticCandidate? Setting, int Runs) Find(Scenario scenario, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var runs = 0;
        foreach (var level in Candidates(scenario).GroupBy(c => c.Replicas).OrderBy(g => g.Key))
        {
            // Cheapest first: fewest connections, then no restart (the starting max_connections), then the fewest threads.
            var start = scenario.Database.MaxConnections;
            var ordered = level.OrderBy(c => c.PoolSize).ThenBy(c => c.MaxConnections == start ? 0 : 1).ThenBy(c => c.MaxConnections)
                .ThenBy(c => c.MinThreads).ToList();
            var results = new RunResult?[ordered.Count];
            var found = -1;
            Parallel.For(0, ordered.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, (i, state) =>
            {
                if (Volatile.Read(ref found) >= 0 && i > Volatile.Read(ref found))
                {
                    return;
                }

                var controller = new StaticController("optimum (static)", ordered[i].AsSettings());
                var result = ScenarioRunner.Run(scenario, controller, seed, AllowedMinutesOver, WarmupMinutes);
                Interlocked.Increment(ref runs);
                if (Meets(result, scenario))
                {
                    results[i] = result;
                    int seen;
                    do
                    {
                        seen = Volatile.Read(ref found);
                    }
                    while ((seen < 0 || i < seen) && Interlocked.CompareExchange(ref found, i, seen) != seen);
                }
            });

            if (found >= 0)
            {
                return (results[found], ordered[found], runs);
            }
        }

        return (null, null, runs);
    }

    /// <summary>True when a static run met the objective in every minute after the warm-up but the allowed ones.</summary>
    public static bool Meets(RunResult result, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(scenario);
        var expected = (int)Math.Round(scenario.DurationSeconds / 60);
        var over = Enumerable.Range(WarmupMinutes, Math.Max(0, result.MinuteCount - WarmupMinutes)).Count(m => !result.MetAt(m));
        return result.MinuteCount >= expected && over <= AllowedMinutesOver;
    }

    /// <summary>Every grid point inside the budgets (of the first API) whose connections fit max_connections.</summary>
    public static IEnumerable<StaticCandidate> Candidates(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var spec = scenario.Specs[0];
        var knobs = spec.Knobs;
        var replicas = Range(knobs.Replicas, scenario.Apis[0].Replicas);
        var threads = Values(knobs.ThreadPoolMinThreads, scenario.Apis[0].MinThreads, Threads);
        var pools = Values(knobs.DbMaxPoolSize, scenario.Apis[0].PoolSize, Pools);
        var restart = spec.Postgres?.Restart == RestartPolicy.Immediate;
        var maxConnections = restart
            ? Values(knobs.PostgresMaxConnections, scenario.Database.MaxConnections, MaxConnections)
            : [scenario.Database.MaxConnections];
        var reserved = scenario.Database.SuperuserReserved + 1 + scenario.Specs.Max(s => s.Postgres?.ReservedConnections ?? 0);
        var surge = scenario.Apis.Sum(a => a.MaxSurge);
        var apis = scenario.Apis.Count;
        foreach (var r in replicas)
        {
            foreach (var p in pools)
            {
                foreach (var m in maxConnections)
                {
                    if ((((r * apis) + surge) * p) + reserved > m)
                    {
                        continue;
                    }

                    foreach (var t in threads)
                    {
                        yield return new StaticCandidate(r, t, p, m);
                    }
                }
            }
        }
    }

    private static IEnumerable<int> Range(KnobBudget? budget, int current) =>
        budget is null ? [current] : Enumerable.Range(budget.Min, budget.Max - budget.Min + 1);

    private static int[] Values(KnobBudget? budget, int current, int[] grid) =>
        budget is null ? [current] : [.. grid.Append(current).Append(budget.Min).Where(v => v >= budget.Min && v <= budget.Max).Distinct().Order()];
}
