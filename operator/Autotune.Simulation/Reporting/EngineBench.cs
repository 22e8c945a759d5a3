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
}
