namespace Autotune.Demo.Proof;

/// <summary>
/// One load profile of the proof: how the stack is mis-tuned (the <see cref="DemoScenario"/>: data path, round trip,
/// starting pool and max_connections, the ramp), the ApiTuning local mode runs with, and the grid of static settings
/// searched for the best one, with why each value is in it.
/// </summary>
public sealed record ProofProfile
{
    /// <summary>Short name (starvation, remote-pool, max-connections).</summary>
    public required string Name { get; init; }

    /// <summary>What limits the API at the start, in a sentence.</summary>
    public required string Description { get; init; }

    /// <summary>The stack and the load.</summary>
    public required DemoScenario Scenario { get; init; }

    /// <summary>API processes in every phase (replicas are not a knob of the proof).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>The settings the API starts with: (a).</summary>
    public required StaticSettings Starting { get; init; }

    /// <summary>Minimum-thread values of the grid (null: the runtime's default).</summary>
    public required IReadOnlyList<int?> MinThreadsGrid { get; init; }

    /// <summary>Pool sizes of the grid.</summary>
    public required IReadOnlyList<int> PoolGrid { get; init; }

    /// <summary>max_connections values of the grid.</summary>
    public required IReadOnlyList<int> MaxConnectionsGrid { get; init; }

    /// <summary>Why the grid has these values.</summary>
    public required string GridReasons { get; init; }

    /// <summary>The grid: every combination of the values.</summary>
    public IReadOnlyList<StaticSettings> Grid => ProofScore.Grid(MinThreadsGrid, PoolGrid, MaxConnectionsGrid);
}
