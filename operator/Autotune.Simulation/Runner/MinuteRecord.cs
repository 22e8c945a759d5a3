namespace Autotune.Simulation.Runner;

/// <summary>One simulated minute of one API: what really happened (not what the metrics said) and the settings in force.</summary>
public sealed record MinuteRecord
{
    /// <summary>Minute index from 0.</summary>
    public required int Minute { get; init; }

    /// <summary>Requests offered per second.</summary>
    public required double OfferedRps { get; init; }

    /// <summary>True P99 latency in milliseconds (NaN without requests).</summary>
    public required double P99Ms { get; init; }

    /// <summary>Share of requests that failed.</summary>
    public required double ErrorRate { get; init; }

    /// <summary>True when P99 and the error rate (at most 1%) were within the objective.</summary>
    public required bool Met { get; init; }

    /// <summary>Desired replicas.</summary>
    public required int Replicas { get; init; }

    /// <summary>Published minimum threads.</summary>
    public required int MinThreads { get; init; }

    /// <summary>Published pool size per pod.</summary>
    public required int PoolSize { get; init; }

    /// <summary>max_connections in force.</summary>
    public required int MaxConnections { get; init; }

    /// <summary>Physical connections the API held at the end of the minute.</summary>
    public required double OpenConnections { get; init; }
}
