using System.Globalization;
using System.Text;
using Autotune.Contracts;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Metrics;

/// <summary>
/// Renders a simulated pod's registry as the Prometheus text exposition (format 0.0.4) the agent serves: the same
/// names, labels and buckets, so the operator's parser and window builder run unchanged on it.
/// </summary>
public static class PrometheusTextWriter
{
    private const string Route = "/orders/{id}";

    /// <summary>The /metrics body of <paramref name="pod"/> now; <paramref name="gaugeNoise"/>, when given, perturbs every gauge reading.</summary>
    public static string Render(SimulatedPod pod, Func<double, double>? gaugeNoise = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var m = pod.Metrics;
        var noisy = gaugeNoise ?? (v => v);
        var sb = new StringBuilder(16_384);
        var pool = $"{MetricLabels.PoolName}=\"{pod.Name}-g{pod.Tuning.Generation}\"";

        Header(sb, MetricNames.RequestDuration, "Duration of HTTP server requests.");
        Histogram(sb, MetricNames.RequestDuration, $"http_request_method=\"GET\",{MetricLabels.StatusCode}=\"200\",{MetricLabels.Route}=\"{Route}\"", m.RequestsOk);
        Histogram(sb, MetricNames.RequestDuration, $"http_request_method=\"GET\",{MetricLabels.StatusCode}=\"500\",{MetricLabels.Route}=\"{Route}\"", m.RequestsFailed);
        Histogram(sb, MetricNames.RequestDuration, $"http_request_method=\"GET\",{MetricLabels.StatusCode}=\"503\",{MetricLabels.Route}=\"{Route}\"", m.RequestsUnavailable);

        Gauge(sb, MetricNames.ActiveRequests, "Number of active HTTP server requests.", "http_request_method=\"GET\",url_scheme=\"http\"", Math.Round(noisy(m.ActiveRequests)));
        Gauge(sb, MetricNames.KestrelQueuedConnections, "Number of connections that are currently queued and are waiting to start.", "network_transport=\"tcp\"", 0);
        Gauge(sb, MetricNames.ThreadPoolQueueLength, "The number of work items that are currently queued to be processed by the thread pool.", null, Math.Round(noisy(m.QueueLength)));
        Gauge(sb, MetricNames.ThreadPoolThreadCount, "The number of thread pool threads that currently exist.", null, Math.Round(noisy(m.ThreadCount)));

        Gauge(sb, MetricNames.ThreadPoolQueueDelay, "How long work queued to the thread pool waits now.", null, noisy(m.QueueDelaySeconds));
        Header(sb, MetricNames.ThreadPoolWorkItems, "The number of work items that the thread pool has completed since the process start.");
        Sample(sb, MetricNames.ThreadPoolWorkItems.Prometheus, null, Math.Round(m.WorkItems));

        Header(sb, MetricNames.ProcessCpuTime, "CPU time used by the process.");
        Sample(sb, MetricNames.ProcessCpuTime.Prometheus, $"{MetricLabels.CpuMode}=\"user\"", m.CpuSeconds * 0.8);
        Sample(sb, MetricNames.ProcessCpuTime.Prometheus, $"{MetricLabels.CpuMode}=\"system\"", m.CpuSeconds * 0.2);
        Gauge(sb, MetricNames.ProcessCpuCount, "The number of processors available to the process.", null, pod.Cores);

        Header(sb, MetricNames.PoolConnectionCount, "The number of connections that are currently in the state described by the state attribute.");
        Sample(sb, MetricNames.PoolConnectionCount.Prometheus, $"{pool},{MetricLabels.ConnectionState}=\"{MetricLabels.StateIdle}\"", Math.Round(noisy(m.PoolIdle)));
        Sample(sb, MetricNames.PoolConnectionCount.Prometheus, $"{pool},{MetricLabels.ConnectionState}=\"{MetricLabels.StateUsed}\"", Math.Round(noisy(m.PoolUsed)));
        Gauge(sb, MetricNames.PoolConnectionMax, "The maximum number of open connections allowed.", pool, pod.Tuning.PoolSize);
        Gauge(sb, MetricNames.PoolPendingRequests, "The number of pending requests for an open connection, cumulative for the entire pool.", pool, Math.Round(noisy(m.PoolPending)));
        Header(sb, MetricNames.PoolTimeouts, "The number of connection timeouts that have occurred trying to obtain a connection from the pool.");
        Sample(sb, MetricNames.PoolTimeouts.Prometheus, pool, Math.Round(m.PoolTimeouts));

        Header(sb, MetricNames.PoolWaitTime, "The time it took to obtain an open connection from the pool.");
        Histogram(sb, MetricNames.PoolWaitTime, pool, m.PoolWait);
        Header(sb, MetricNames.PoolUseTime, "The time between borrowing a connection and returning it to the pool.");
        Histogram(sb, MetricNames.PoolUseTime, pool, m.PoolUse);
        Gauge(sb, MetricNames.PhysicalConnections, "Physical connections to the database server open now.", null, Math.Round(noisy(m.PhysicalConnections)));
        Header(sb, MetricNames.ConnectionOpenFailures, "Connection opens that failed, by SQLSTATE.");
        foreach (var (state, count) in m.OpenFailures)
        {
            Sample(sb, MetricNames.ConnectionOpenFailures.Prometheus, $"{MetricLabels.SqlState}=\"{state}\"", Math.Round(count));
        }

        Gauge(sb, MetricNames.AppliedGeneration, "Generation of the tuning file now applied.", null, pod.Tuning.Generation);
        Gauge(sb, MetricNames.AppliedMinThreads, "Minimum worker threads now applied.", null, pod.Tuning.MinThreads);
        Gauge(sb, MetricNames.AppliedPoolSize, "Npgsql maximum pool size now applied.", null, pod.Tuning.PoolSize);
        if (pod.BoundedPoolSwap)
        {
            Gauge(sb, MetricNames.BoundedPoolSwap, "1: a live pool swap holds the process to max(old, new) connections.", null, 1);
        }

        Header(sb, MetricNames.TuningFileRejected, "Tuning files that could not be applied.");
        Header(sb, MetricNames.RequestsShed, "Requests shed by the agent's middleware, by reason.");
        Sample(sb, MetricNames.RequestsShed.Prometheus, $"{MetricLabels.Reason}=\"{MetricLabels.ShedWaited}\"", Math.Round(m.RequestsShed));
        Sample(sb, MetricNames.RequestsShed.Prometheus, $"{MetricLabels.Reason}=\"{MetricLabels.ShedCallerGone}\"", 0);
        Sample(sb, MetricNames.RequestsShed.Prometheus, $"{MetricLabels.Reason}=\"{MetricLabels.ShedExpired}\"", 0);
        Gauge(sb, MetricNames.ShedAfter, "The shedding deadline in force, in seconds (0: off).", null, (pod.Tuning.ShedAfterMs ?? 0) / 1000.0);
        return sb.ToString();
    }

    private static void Header(StringBuilder sb, MetricName name, string help)
    {
        var type = name.Kind switch
        {
            MetricKind.Counter => "counter",
            MetricKind.Histogram => "histogram",
            _ => "gauge",
        };
        var family = name.Kind == MetricKind.Counter ? name.Prometheus[..^"_total".Length] : name.Prometheus;
        sb.Append("# HELP ").Append(family).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(family).Append(' ').Append(type).Append('\n');
    }

    private static void Gauge(StringBuilder sb, MetricName name, string help, string? labels, double value)
    {
        Header(sb, name, help);
        Sample(sb, name.Prometheus, labels, value);
    }

    private static void Histogram(StringBuilder sb, MetricName name, string labels, SimHistogram histogram)
    {
        var bounds = histogram.Bounds;
        var cumulative = 0.0;
        for (var i = 0; i <= bounds.Count; i++)
        {
            cumulative = Math.Round(histogram.Cumulative(i));
            var le = i < bounds.Count ? Format(bounds[i]) : "+Inf";
            Sample(sb, name.Bucket, $"{labels},{MetricLabels.Le}=\"{le}\"", cumulative);
        }

        Sample(sb, name.Sum, labels, histogram.Sum);
        Sample(sb, name.Count, labels, cumulative);
    }

    private static void Sample(StringBuilder sb, string series, string? labels, double value)
    {
        sb.Append(series);
        if (!string.IsNullOrEmpty(labels))
        {
            sb.Append('{').Append(labels).Append('}');
        }

        sb.Append(' ').Append(Format(value)).Append('\n');
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
