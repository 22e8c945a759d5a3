namespace Autotune.Demo.Proof;

/// <summary>
/// One load profile of the proof: how the stack is set up and mis-tuned (the <see cref="DemoScenario"/>: data path,
/// round trip, caches, idle gaps, the API's extra settings), the settings it starts from, the ApiTuning local mode
/// runs with, and the grid of static settings searched for the best one, with why each value is in it. Profiles
/// with the same <see cref="Workload"/> are the same API under the same load started from different settings: they
/// share one grid, one (c) and the baselines.
/// </summary>
public sealed record ProofProfile
{
    /// <summary>Short name (fast-async, over-provisioned, cached-mix, bursty-starvation, remote-pool, max-connections).</summary>
    public required string Name { get; init; }

    /// <summary>The workload (API and load) this profile starts; profiles of one workload share the grid and the baselines.</summary>
    public string? WorkloadName { get; init; }

    /// <summary>The workload's name: <see cref="WorkloadName"/>, or the profile's own name.</summary>
    public string Workload => WorkloadName ?? Name;

    /// <summary>What limits the API at the start, in a sentence or two.</summary>
    public required string Description { get; init; }

    /// <summary>Why this profile can tell a good tuner from a bad one (or from doing nothing).</summary>
    public required string Discriminates { get; init; }

    /// <summary>The stack and the load.</summary>
    public required DemoScenario Scenario { get; init; }

    /// <summary>The settings the API starts with: (a).</summary>
    public required StaticSettings Starting { get; init; }

    /// <summary>API processes at the start.</summary>
    public int Replicas => Starting.Replicas;

    /// <summary>The ApiTuning file local mode runs with (beside the program).</summary>
    public string SpecFile { get; init; } = ProofProfiles.SpecFile;

    /// <summary>
    /// The first rate of every ramp, req/s: about a third of the expected knee, so a ramp to the knee takes about ten
    /// steps; settings whose knee is lower miss the first step and show as below it.
    /// </summary>
    public required double StartRate { get; init; }

    /// <summary>About where the best settings' knee lies on this machine when it is quiet (for the run-time estimate and the simulator's ramp; never judged).</summary>
    public required double ExpectedKnee { get; init; }

    /// <summary>Replica counts of the grid.</summary>
    public IReadOnlyList<int> ReplicasGrid { get; init; } = [1];

    /// <summary>Minimum-thread values of the grid (null: the runtime's default).</summary>
    public required IReadOnlyList<int?> MinThreadsGrid { get; init; }

    /// <summary>Pool sizes of the grid.</summary>
    public required IReadOnlyList<int> PoolGrid { get; init; }

    /// <summary>max_connections values of the grid.</summary>
    public required IReadOnlyList<int> MaxConnectionsGrid { get; init; }

    /// <summary>Why the grid has these values.</summary>
    public required string GridReasons { get; init; }

    /// <summary>The grid: every combination of the values.</summary>
    public IReadOnlyList<StaticSettings> Grid => ProofScore.Grid(MinThreadsGrid, PoolGrid, MaxConnectionsGrid, ReplicasGrid);
}
