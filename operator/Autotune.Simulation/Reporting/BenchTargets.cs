using Autotune.Simulation.Runner;
using static System.FormattableString;

namespace Autotune.Simulation.Reporting;

/// <summary>One target of the engine bench, judged on a set of outcomes.</summary>
/// <param name="Name">What the target asks.</param>
/// <param name="Met">True when every scored scenario keeps it.</param>
/// <param name="Detail">The numbers behind the verdict, naming each scenario that loses it.</param>
public sealed record BenchTarget(string Name, bool Met, string Detail);

/// <summary>
/// The targets of bench/results/engine.md, judged on the scored scenarios only: the report renders them and a test
/// guards them, so both read the same rules.
/// </summary>
public static class BenchTargets
{
    /// <summary>Largest steady-state cost, as a multiple of the cheapest static setting's, the engine may run at.</summary>
    public const double MaxCostRatio = 1.15;

    /// <summary>Every target, in the order the report lists them.</summary>
    public static IReadOnlyList<BenchTarget> Judge(IReadOnlyList<ScenarioOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var scored = outcomes.Where(o => o.Scenario.Scored).ToList();
        var feasible = scored.Where(o => o.Scenario.Feasible).ToList();
        var missedObjective = feasible.Where(o => !o.EngineMetSteadyState).Select(o => o.Scenario.Name).ToList();
        var worseThanHpa = scored.Where(o => o.Engine.MinutesOver > o.CpuAutoscaler.MinutesOver).Select(o => Invariant($"{o.Scenario.Name} ({o.Engine.MinutesOver} vs {o.CpuAutoscaler.MinutesOver})")).ToList();
        var engineOver = scored.Sum(o => o.Engine.MinutesOver);
        var hpaOver = scored.Sum(o => o.CpuAutoscaler.MinutesOver);
        var costly = scored.Where(o => o.CostRatio > MaxCostRatio).Select(o => Invariant($"{o.Scenario.Name} ({o.CostRatio:0.00}x)")).ToList();
        var noOptimum = scored.Where(o => o.Optimum is null).Select(o => o.Scenario.Name).ToList();
        var violations = scored.Sum(o => o.Engine.Violations);
        var steady = scored.Where(o => o.Scenario.SteadyLoad).ToList();
        var flappy = steady.Where(o => o.Engine.MaxReversalsPerKnobPerHour > 1).Select(o => Invariant($"{o.Scenario.Name} ({o.Engine.MaxReversalsPerKnobPerHour:0.#}/h)")).ToList();

        static string List(List<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);
        return
        [
            new(Invariant($"objective met in every feasible scenario (steady state: at most 1 miss in the last {RunResult.SteadyMinutes} min)"), missedObjective.Count == 0,
                Invariant($"{feasible.Count - missedObjective.Count}/{feasible.Count} feasible scenarios; missed: {List(missedObjective)}")),
            new("minutes over objective <= 1.0x the CPU-only baseline's in every scenario", worseThanHpa.Count == 0,
                Invariant($"worse (engine vs HPA minutes): {List(worseThanHpa)}")),
            new("minutes over objective <= 0.5x the CPU-only baseline's summed over all", engineOver <= 0.5 * hpaOver,
                Invariant($"engine {engineOver} min vs HPA {hpaOver} min ({(hpaOver == 0 ? double.NaN : (double)engineOver / hpaOver):0.00}x)")),
            new(Invariant($"steady-state cost <= {MaxCostRatio:0.00}x the optimum (replica-minutes)"), costly.Count == 0,
                Invariant($"above {MaxCostRatio:0.00}x: {List(costly)}; no static optimum to compare: {List(noOptimum)}")),
            new("zero budget violations", violations == 0,
                Invariant($"{violations} changes left a knob outside its budget or the connection budget more broken")),
            new("no knob reverses direction more than once an hour at steady load", flappy.Count == 0,
                Invariant($"steady-load scenarios: {steady.Count}; over the limit: {List(flappy)}")),
        ];
    }
}
