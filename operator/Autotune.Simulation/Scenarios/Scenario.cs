using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Scenarios;

/// <summary>A named situation to tune: a database, the APIs on it with their traffic and starting settings, their ApiTunings, and faults.</summary>
public sealed record Scenario
{
    /// <summary>Short name (kebab-case), used on the command line and in the results.</summary>
    public required string Name { get; init; }

    /// <summary>What the situation is and what a good tuner does about it.</summary>
    public required string Description { get; init; }

    /// <summary>The PostgreSQL server.</summary>
    public required DatabaseOptions Database { get; init; }

    /// <summary>The APIs on it.</summary>
    public required IReadOnlyList<ApiOptions> Apis { get; init; }

    /// <summary>The ApiTuning of each API, in the same order.</summary>
    public required IReadOnlyList<ApiTuningSpec> Specs { get; init; }

    /// <summary>Simulated length in seconds.</summary>
    public double DurationSeconds { get; init; } = 3600;

    /// <summary>False when no setting inside the budgets can meet the objective (the tuner must say so, not thrash).</summary>
    public bool Feasible { get; init; } = true;

    /// <summary>True when the load is constant after the start (the reversal target applies).</summary>
    public bool SteadyLoad { get; init; }

    /// <summary>
    /// False for a scenario the bench reports but leaves out of its targets' scoring, with <see cref="NotScoredBecause"/>
    /// saying why (a failure the engine is known not to handle yet).
    /// </summary>
    public bool Scored => NotScoredBecause is null;

    /// <summary>Why the bench reports this scenario without scoring it against its targets; null when it is scored.</summary>
    public string? NotScoredBecause { get; init; }

    /// <summary>Faults on the metrics path.</summary>
    public MetricsFaults Faults { get; init; } = MetricsFaults.None;

    /// <summary>A fresh world for this scenario.</summary>
    public SimulatedCluster Build(int seed) => new(Database, Apis, seed);
}
