namespace Autotune.Operator.Local;

/// <summary>What `autotune local` was asked to do.</summary>
public sealed record LocalOptions
{
    /// <summary>The ApiTuning YAML, the very file a user would kubectl apply.</summary>
    public required string SpecPath { get; init; }

    /// <summary>Metrics URLs of API processes already running (replicas are then recommended only), as given.</summary>
    public IReadOnlyList<string> MetricsUrls { get; init; } = [];

    /// <summary>A command that starts one API process; local mode then runs the replicas itself.</summary>
    public IReadOnlyList<string> ApiCommand { get; init; } = [];

    /// <summary>Environment variables for each API process local mode starts, beside the ones it sets itself.</summary>
    public IReadOnlyDictionary<string, string> ApiEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Called with the API base URLs whenever the replicas local mode runs change (for a load generator).</summary>
    public Action<IReadOnlyList<Uri>>? ReplicasChanged { get; init; }

    /// <summary>The tuning file the agents read.</summary>
    public required string TuningFile { get; init; }

    /// <summary>HTTP port of each replica started by local mode (each on its own loopback address).</summary>
    public int ApiPort { get; init; } = 8080;

    /// <summary>Metrics port of each replica started by local mode.</summary>
    public int MetricsPort { get; init; } = 9464;

    /// <summary>Replicas to start with, when local mode runs the API (default: the replicas budget's minimum, or 1).</summary>
    public int? InitialReplicas { get; init; }

    /// <summary>The environment variable that holds the PostgreSQL admin connection string (never on the command line).</summary>
    public string PostgresAdminEnv { get; init; } = "AUTOTUNE_POSTGRES_ADMIN";

    /// <summary>The command that restarts the PostgreSQL server (pg_ctl restart for a local one), split on spaces.</summary>
    public IReadOnlyList<string> PostgresRestart { get; init; } = [];

    /// <summary>Stop after this many windows (null: until interrupted).</summary>
    public int? Windows { get; init; }

    /// <summary>A JSON-lines file receiving every window and Event.</summary>
    public string? RecordPath { get; init; }

    /// <summary>Called once the API processes local mode runs (given a command) have started, e.g. so a load generator can follow <see cref="ProcessWorkload.ApiUrls"/>.</summary>
    public Action<ProcessWorkload>? WorkloadStarted { get; init; }

    /// <summary>
    /// API processes the caller started and owns, instead of <see cref="ApiCommand"/>: local mode tunes them (scaling
    /// them within the replicas budget) and leaves them running when it ends, so the caller can go on serving with
    /// the settings reached, on the same processes.
    /// </summary>
    public ProcessWorkload? Workload { get; init; }

    /// <summary>Largest time one scrape may take before the pod counts as not answering.</summary>
    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
