using System.Diagnostics;
using Autotune.Simulation.Control;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Reporting;

/// <summary>Runs every scenario with the engine, the three baselines and the exhaustive-search optimum.</summary>
public static class EngineBench
{
    /// <summary>The baselines, freshly made for one run each.</summary>
    public static IReadOnlyList<Func<IController>> Baselines { get; } =
    [
        () => new StaticController("static defaults"),
        () => new FormulaPoolController(),
        () => new CpuAutoscalerController(),
    ];

    /// <summary>Runs the scenarios (all by default), reporting progress to <paramref name="progress"/>.</summary>
    public static IReadOnlyList<ScenarioOutcome> Run(IEnumerable<Scenario>? scenarios = null, int seed = 1, TextWriter? progress = null)
    {
        var outcomes = new List<ScenarioOutcome>();
        foreach (var scenario in scenarios ?? ScenarioCatalog.All)
        {
            var watch = Stopwatch.StartNew();
            var engine = ScenarioRunner.Run(scenario, new EngineController(ScenarioSpecs.WindowSeconds(scenario.Specs[0])), seed);
            var baselines = Baselines.Select(make => ScenarioRunner.Run(scenario, make(), seed)).ToList();
            var (optimum, setting, runs) = OptimumSearch.Find(scenario, seed);
            outcomes.Add(new ScenarioOutcome(scenario, engine, baselines, optimum, setting, runs));
            progress?.WriteLine($"{scenario.Name}: engine over {engine.MinutesOver} min, HPA over {baselines[^1].MinutesOver} min, optimum {setting?.ToString() ?? "none"} ({runs} runs), {watch.Elapsed.TotalSeconds:0.0} s");
        }

        return outcomes;
    }

    /// <summary>
    /// The fast check of the recorded targets: each scenario with the engine and the CPU-only baseline, beside its
    /// recorded optimum run once (no search). A recorded optimum that no longer meets the objective is returned in
    /// <c>Stale</c>: the model changed, and the bench must be run again.
    /// </summary>
    public static (IReadOnlyList<ScenarioOutcome> Outcomes, IReadOnlyList<string> Stale) RunAgainstRecorded(
        IReadOnlyList<Scenario> scenarios, IReadOnlyDictionary<string, StaticCandidate?> optima, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        ArgumentNullException.ThrowIfNull(optima);
        var outcomes = new ScenarioOutcome[scenarios.Count];
        var stale = new string?[scenarios.Count];
        Parallel.For(0, scenarios.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var scenario = scenarios[i];
            if (!optima.TryGetValue(scenario.Name, out var setting))
            {
                stale[i] = $"{scenario.Name}: not in the recorded bench";
                setting = null;
            }

            var engine = ScenarioRunner.Run(scenario, new EngineController(ScenarioSpecs.WindowSeconds(scenario.Specs[0])), seed);
            var hpa = ScenarioRunner.Run(scenario, new CpuAutoscalerController(), seed);
            RunResult? optimum = null;
            if (setting is not null)
            {
                optimum = ScenarioRunner.Run(scenario, new StaticController("optimum (static)", setting.AsSettings()), seed);
                if (!OptimumSearch.Meets(optimum, scenario))
                {
                    stale[i] = $"{scenario.Name}: the recorded optimum ({setting}) no longer meets the objective";
                }
            }

            outcomes[i] = new ScenarioOutcome(scenario, engine, [hpa], optimum, setting, 1);
        });

        return (outcomes, [.. stale.OfType<string>()]);
    }
}
