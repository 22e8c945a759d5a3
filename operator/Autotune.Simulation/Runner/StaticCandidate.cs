using Autotune.Engine.Resource.Spec;

namespace Autotune.Simulation.Runner;

/// <summary>One static setting of every API in a scenario (the same for each), a candidate of the optimum search.</summary>
/// <param name="Replicas">Replicas per API.</param>
/// <param name="MinThreads">Minimum threads per pod.</param>
/// <param name="PoolSize">Pool size per pod.</param>
/// <param name="MaxConnections">max_connections of the server.</param>
public sealed record StaticCandidate(int Replicas, int MinThreads, int PoolSize, int MaxConnections)
{
    /// <summary>The candidate as the settings a static controller applies at the start.</summary>
    public IReadOnlyList<(Knob Knob, int Value)> AsSettings() =>
    [
        (Knob.PostgresMaxConnections, MaxConnections),
        (Knob.Replicas, Replicas),
        (Knob.ThreadPoolMinThreads, MinThreads),
        (Knob.DbMaxPoolSize, PoolSize),
    ];

    /// <summary>"r 3, threads 64, pool 16, max_connections 200".</summary>
    public override string ToString() => $"replicas {Replicas}, min threads {MinThreads}, pool {PoolSize}, max_connections {MaxConnections}";
}
