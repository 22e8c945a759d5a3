using Autotune.Contracts;
using Npgsql;

namespace Autotune.Agent;

/// <summary>Settings of the in-app agent; <see cref="AutotuneAgentExtensions.AddAutotuneAgent"/> fills the defaults from configuration and environment.</summary>
public sealed class AutotuneAgentOptions
{
    /// <summary>Npgsql connection string of the tuned data source (never logged). Default: the configuration's connection string named <see cref="ConnectionStringName"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The name under <c>ConnectionStrings</c> the connection string is read from when <see cref="ConnectionString"/> is not set. Default: <c>Postgres</c>.</summary>
    public string ConnectionStringName { get; set; } = "Postgres";

    /// <summary>Further configuration of every pool generation's data source builder (type mapping, prepare settings, ...).</summary>
    public Action<NpgsqlDataSourceBuilder>? ConfigureDataSource { get; set; }

    /// <summary>Path of the tuning file. Default: <c>AUTOTUNE_TUNING_FILE</c>; null or empty means no tuning file is read.</summary>
    public string? TuningFilePath { get; set; }

    /// <summary>How often the tuning file is read (a mounted ConfigMap changes by a symlink swap that file events miss).</summary>
    public TimeSpan TuningFilePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Port of the metrics listener. Default: <c>AUTOTUNE_METRICS_PORT</c> or 9464; 0 picks a free port.</summary>
    public int MetricsPort { get; set; } = AgentEnvironment.DefaultMetricsPort;

    /// <summary>Address the metrics listener binds. Default: <c>AUTOTUNE_METRICS_ADDRESS</c> or 0.0.0.0.</summary>
    public string MetricsAddress { get; set; } = "0.0.0.0";

    /// <summary>How long one metrics request may take, from accept to its last byte sent; a client still sending its request or reading the answer then is cut off.</summary>
    public TimeSpan MetricsRequestTimeout { get; set; } = Metrics.MetricsListener.DefaultRequestTimeout;

    /// <summary>How many metrics connections are served at once; more are closed at accept.</summary>
    public int MetricsMaxConnections { get; set; } = Metrics.MetricsListener.DefaultMaxConnections;

    /// <summary>False to run without the metrics listener (the metrics are still collected for <see cref="IAutotuneAgent.CollectMetrics"/>).</summary>
    public bool MetricsListenerEnabled { get; set; } = true;

    /// <summary>Base of the Npgsql pool name; each pool generation is named <c>{PoolName}#{generation}</c>.</summary>
    public string PoolName { get; set; } = "autotune";

    /// <summary>Further meters to export beside ASP.NET Core, Kestrel, the runtime, Npgsql and the agent (e.g. the app's own).</summary>
    public IList<string> AdditionalMeters { get; } = [];

    /// <summary>
    /// Shedding deadline: with <see cref="AutotuneSheddingExtensions.UseAutotuneShedding"/> in the pipeline, a request
    /// that waited longer than this before the app got to it is answered 503 at once. Set it to the latency objective.
    /// Default: <c>AUTOTUNE_SHED_AFTER_MS</c>; null (or zero) means no shedding. A tuning file's
    /// <c>shedAfterMilliseconds</c> takes its place while the file sets one.
    /// </summary>
    public TimeSpan? ShedAfter { get; set; }

    /// <summary>How often the thread pool's queue delay is probed (the shedding estimate and its gauge).</summary>
    public TimeSpan QueueDelayProbeInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>After this long, a retired pool generation that still has connections out is reported in the log (it is still not disposed under them).</summary>
    public TimeSpan PoolDrainWarningAfter { get; set; } = TimeSpan.FromSeconds(30);
}
