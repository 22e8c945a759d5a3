using System.Globalization;
using System.Text;
using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>A pod's metrics as the agent would export them; tests change it between scrapes and write it as text.</summary>
internal sealed class PodState
{
    private static readonly double[] RequestBounds = [.. HistogramBuckets.RequestDuration, double.PositiveInfinity];
    private static readonly double[] ConnectionBounds = [.. HistogramBuckets.Connection, double.PositiveInfinity];

    /// <summary>Per status code: observations per bucket (not cumulative) of the request histogram.</summary>
    public Dictionary<string, long[]> Requests { get; } = [];

    public long[] PoolWait { get; } = new long[ConnectionBounds.Length];

    public double UseSeconds { get; set; }

    public long Uses { get; set; }

    public double CpuUserSeconds { get; set; }

    public double CpuSystemSeconds { get; set; }

    public long PoolTimeouts { get; set; }

    public Dictionary<string, long> OpenFailures { get; } = [];

    public double QueueLength { get; set; }

    public double Threads { get; set; } = 8;

    public double? CpuCount { get; set; } = 2;

    public double Pending { get; set; }

    /// <summary>Pool generations: name, used, idle, max.</summary>
    public List<(string Name, int Used, int Idle, int Max)> Pools { get; } = [("app#1", 0, 0, 10)];

    public double PhysicalConnections { get; set; }

    public long? Generation { get; set; } = 1;

    /// <summary>The machine's CPU seconds by mode (<c>system_cpu_time_seconds_total</c>); empty: not exported.</summary>
    public Dictionary<string, double> SystemCpu { get; } = [];

    /// <summary>The cgroup's CPU time, periods, throttled periods and throttled seconds; null: not exported.</summary>
    public (double Seconds, long Periods, long Throttled, double ThrottledSeconds)? Cgroup { get; set; }

    /// <summary>The cgroup's CPU limit in cores; null: not exported.</summary>
    public double? CgroupLimit { get; set; }

    /// <summary>The agent's measured thread-pool queue delay, seconds; null: not exported.</summary>
    public double? QueueDelaySeconds { get; set; }

    public int MinThreads { get; set; } = 8;

    public int PoolSize { get; set; } = 10;

    /// <summary>Whether the agent advertises a swap held to max(old, new) connections (null: an older agent, no series).</summary>
    public bool? BoundedPoolSwap { get; set; }

    /// <summary>Adds <paramref name="count"/> requests that took <paramref name="seconds"/>.</summary>
    public PodState Observe(double seconds, long count, string status = "200")
    {
        if (!Requests.TryGetValue(status, out var buckets))
        {
            Requests[status] = buckets = new long[RequestBounds.Length];
        }

        buckets[Array.FindIndex(RequestBounds, b => seconds <= b)] += count;
        return this;
    }

    /// <summary>Adds pool waits of <paramref name="seconds"/>.</summary>
    public PodState Wait(double seconds, long count)
    {
        PoolWait[Array.FindIndex(ConnectionBounds, b => seconds <= b)] += count;
        return this;
    }

    /// <summary>The exposition text, written the way the OpenTelemetry Prometheus exporter writes it.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        const string hosting = "otel_scope_name=\"Microsoft.AspNetCore.Hosting\",";
        text.Append("# TYPE http_server_request_duration_seconds histogram\n");
        foreach (var (status, buckets) in Requests)
        {
            var tags = $"{hosting}http_request_method=\"GET\",{MetricLabels.StatusCode}=\"{status}\",http_route=\"/users/{{id}}\"";
            Histogram(text, MetricNames.RequestDuration, tags, RequestBounds, buckets, buckets.Sum() * 0.01);
        }

        const string agent = "otel_scope_name=\"Autotune.Agent\"";
        Histogram(text, MetricNames.PoolWaitTime, agent + ",db_client_connection_pool_name=\"app#1\"", ConnectionBounds, PoolWait, 0);
        Histogram(text, MetricNames.PoolUseTime, agent, ConnectionBounds, new long[ConnectionBounds.Length], UseSeconds, Uses);
        const string runtime = "otel_scope_name=\"System.Runtime\"";
        Line(text, MetricNames.ProcessCpuTime.Prometheus, runtime + ",cpu_mode=\"user\"", CpuUserSeconds);
        Line(text, MetricNames.ProcessCpuTime.Prometheus, runtime + ",cpu_mode=\"system\"", CpuSystemSeconds);
        if (CpuCount is { } cores)
        {
            Line(text, MetricNames.ProcessCpuCount.Prometheus, runtime, cores);
        }

        Line(text, MetricNames.ThreadPoolQueueLength.Prometheus, runtime, QueueLength);
        Line(text, MetricNames.ThreadPoolThreadCount.Prometheus, runtime, Threads);
        const string npgsql = "otel_scope_name=\"Npgsql\",otel_scope_version=\"10.0.3\"";
        foreach (var (name, used, idle, max) in Pools)
        {
            var pool = $"{npgsql},{MetricLabels.PoolName}=\"{name}\"";
            Line(text, MetricNames.PoolConnectionCount.Prometheus, pool + $",{MetricLabels.ConnectionState}=\"idle\"", idle);
            Line(text, MetricNames.PoolConnectionCount.Prometheus, pool + $",{MetricLabels.ConnectionState}=\"used\"", used);
            Line(text, MetricNames.PoolConnectionMax.Prometheus, pool, max);
        }

        Line(text, MetricNames.PoolPendingRequests.Prometheus, npgsql + $",{MetricLabels.PoolName}=\"app#1\"", Pending);
        Line(text, MetricNames.PoolTimeouts.Prometheus, npgsql + $",{MetricLabels.PoolName}=\"app#1\"", PoolTimeouts);
        Line(text, MetricNames.PhysicalConnections.Prometheus, agent, PhysicalConnections);
        foreach (var (state, count) in OpenFailures)
        {
            Line(text, MetricNames.ConnectionOpenFailures.Prometheus, agent + $",{MetricLabels.SqlState}=\"{state}\"", count);
        }

        foreach (var (mode, seconds) in SystemCpu)
        {
            Line(text, MetricNames.SystemCpuTime.Prometheus, agent + $",{MetricLabels.CpuMode}=\"{mode}\"", seconds);
        }

        if (Cgroup is { } cgroup)
        {
            Line(text, MetricNames.CgroupCpuTime.Prometheus, agent, cgroup.Seconds);
            Line(text, MetricNames.CgroupCpuPeriods.Prometheus, agent, cgroup.Periods);
            Line(text, MetricNames.CgroupCpuThrottledPeriods.Prometheus, agent, cgroup.Throttled);
            Line(text, MetricNames.CgroupCpuThrottledTime.Prometheus, agent, cgroup.ThrottledSeconds);
        }

        if (CgroupLimit is { } limit)
        {
            Line(text, MetricNames.CgroupCpuLimit.Prometheus, agent, limit);
        }

        if (QueueDelaySeconds is { } delay)
        {
            Line(text, MetricNames.ThreadPoolQueueDelay.Prometheus, agent, delay);
        }

        if (Generation is { } generation)
        {
            Line(text, MetricNames.AppliedGeneration.Prometheus, agent, generation);
            Line(text, MetricNames.AppliedMinThreads.Prometheus, agent, MinThreads);
            Line(text, MetricNames.AppliedPoolSize.Prometheus, agent, PoolSize);
        }

        if (BoundedPoolSwap is { } bounded)
        {
            Line(text, MetricNames.BoundedPoolSwap.Prometheus, agent, bounded ? 1 : 0);
        }

        return text.Append("# EOF\n").ToString();
    }

    /// <summary>A successful scrape of this state at <paramref name="second"/> seconds past <see cref="T0"/>.</summary>
    public Scrape ScrapeAt(string pod, int second, ExpositionParser parser, double latencyMs = 5) =>
        Scrape.Parsed(pod, T0.AddSeconds(second), latencyMs, parser.Parse(ToText()));

    public static DateTimeOffset T0 { get; } = new(2026, 11, 27, 4, 0, 0, TimeSpan.Zero);

    private static void Histogram(
        StringBuilder text, MetricName metric, string tags, double[] bounds, long[] buckets, double sum, long? count = null)
    {
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += buckets[i];
            var le = double.IsPositiveInfinity(bounds[i]) ? "+Inf" : bounds[i].ToString("G17", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{metric.Bucket}{{{tags},le=\"{le}\"}} {cumulative}\n");
        }

        Line(text, metric.Sum, tags, sum);
        Line(text, metric.Count, tags, count ?? cumulative);
    }

    private static void Line(StringBuilder text, string name, string tags, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name}{{{tags}}} {value.ToString("G17", CultureInfo.InvariantCulture)}\n");
}
