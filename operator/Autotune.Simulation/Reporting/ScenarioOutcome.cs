using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Reporting;

/// <summary>Every controller's run of one scenario, beside the static optimum.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Engine">The engine's run.</param>
/// <param name="Baselines">The baselines' runs: static defaults, formula pool, CPU autoscaler (in that order).</param>
/// <param name="Optimum">The optimum's run, or null when no static setting in the grid meets the objective.</param>
/// <param name="OptimumSetting">The optimum's settings.</param>
/// <param name="OptimumRuns">Runs the exhaustive search took.</param>
public sealed record ScenarioOutcome(
    Scenario Scenario,
    RunResult Engine,
    IReadOnlyList<RunResult> Baselines,
    RunResult? Optimum,
    StaticCandidate? OptimumSetting,
    int OptimumRuns)
{
    /// <summary>The CPU-only autoscaler's run.</summary>
    public RunResult CpuAutoscaler => Baselines[^1];

    /// <summary>True when the engine met the objective in the steady state (at most one miss in its last 15 minutes).</summary>
    public bool EngineMetSteadyState
    {
        get
        {
            var count = Engine.MinuteCount;
            var from = Math.Max(0, count - RunResult.SteadyMinutes);
            return Enumerable.Range(from, count - from).Count(m => !Engine.MetAt(m)) <= 1;
        }
    }

    /// <summary>Engine steady-state replica-minutes / the optimum's (NaN without an optimum).</summary>
    public double CostRatio => Optimum is null ? double.NaN : Engine.SteadyReplicaMinutes / Optimum.SteadyReplicaMinutes;
}
