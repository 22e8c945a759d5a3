namespace Autotune.OperatorBench;

/// <summary>What one benchmark run measured.</summary>
public sealed record BenchResult
{
    /// <summary>The options it ran with.</summary>
    public required BenchOptions Options { get; init; }

    /// <summary>What the memory figures cover.</summary>
    public required string MemoryScope { get; init; }

    /// <summary>RSS at the end of the steady state, bytes.</summary>
    public long? RssBytes { get; init; }

    /// <summary>Peak RSS over the run (VmHWM), bytes.</summary>
    public long? PeakRssBytes { get; init; }

    /// <summary>The controller's final numbers (percentiles over every pass after the first windows).</summary>
    public required ProbeStats Final { get; init; }

    /// <summary>Time from starting the operator until every ApiTuning had its first pass.</summary>
    public TimeSpan FirstPassAll { get; init; }

    /// <summary>Length of the steady-state span measured.</summary>
    public TimeSpan Steady { get; init; }

    /// <summary>Passes in the steady-state span.</summary>
    public long SteadyPasses { get; init; }

    /// <summary>LIST requests in the steady-state span.</summary>
    public int SteadyLists { get; init; }

    /// <summary>Requests in the steady-state span other than watches (which stay open across it).</summary>
    public int SteadyRequests { get; init; }

    /// <summary>Watch requests opened in the span (server-side timeouts resumed).</summary>
    public int SteadyWatches { get; init; }

    /// <summary>The steady-state requests by verb and resource.</summary>
    public required IReadOnlyDictionary<string, int> SteadyBreakdown { get; init; }

    /// <summary>Scrapes the capture server answered over the whole run.</summary>
    public long Scrapes { get; init; }

    /// <summary>Load average (1, 5, 15 min) at the start and the end.</summary>
    public required string LoadAtStart { get; init; }

    /// <summary>Load average at the end.</summary>
    public required string LoadAtEnd { get; init; }

    /// <summary>Whole run's wall time.</summary>
    public TimeSpan Wall { get; init; }

    /// <summary>LIST calls per steady-state minute.</summary>
    /// <summary>The pauses of the benchmark's own process (the API test server's), over the run.</summary>
    public RuntimePauses.Pause[] ServerPauses { get; init; } = [];

    public double ListsPerMinute => Steady.TotalMinutes <= 0 ? 0 : SteadyLists / Steady.TotalMinutes;

    /// <summary>API requests per pass in the steady state.</summary>
    public double RequestsPerPass => SteadyPasses == 0 ? double.NaN : (double)SteadyRequests / SteadyPasses;
}
