using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Autotune.Contracts;

namespace Autotune.OperatorBench;

/// <summary>
/// The pods of the ApiTunings that ask for changes: each one's metrics, served at <see cref="PathOf"/>, read as thread
/// starvation to the engine (docs/decisions.md) for as long as <see cref="Starving"/> holds, whatever the minimum
/// threads: requests block a thread for 500 ms, the thread-pool queue grows 2 a second from 40 since the pods last
/// took a tuning file, the threads stay at the applied minimum and the process's CPU is 2.5% busy. Each tuning file the
/// pods take helps a little and never enough: 8 more points of the requests (up to 96%) are answered in 25 ms, so P99
/// stays at 500 ms, over the objective, while the share under it rises. So the operator raises minimum threads again
/// once each raise is confirmed and judged (it helped; a raise that helps nothing is undone and barred for an hour,
/// which would end the changes after the first), one tuning ConfigMap write per change, all through the soak. The pods take a tuning file a while after the ConfigMap holds it (a kubelet's
/// refresh of a mounted ConfigMap: half, one and a half or two and a half <see cref="ReadLag"/>, in turn by ApiTuning, so
/// their changes fall out of step) and then report its generation and minimum threads, so a change stays in flight a while. Once <see cref="Starving"/> is cleared every pod is healthy (queue empty, 25 ms requests)
/// and no further change is asked for.
/// </summary>
public sealed class StarvingPods
{
    /// <summary>The path prefix of their metrics endpoints on the capture server.</summary>
    public const string PathPrefix = "/starving/";

    /// <summary>The minimum threads the pods run with before any tuning file.</summary>
    public const int InitialMinThreads = 8;

    private const double RequestsPerSecond = 50;
    private const double StarvedLatency = 0.5;
    private const double HealthyLatency = 0.025;
    private static readonly double[] Bounds = [.. HistogramBuckets.RequestDuration, double.PositiveInfinity];
    private readonly ConcurrentDictionary<string, Target> _targets = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile bool _starving = true;

    /// <summary>Pods of ApiTunings that ask for changes, taking each tuning file <paramref name="readLag"/> after it is written.</summary>
    public StarvingPods(TimeSpan readLag) => ReadLag = readLag;

    /// <summary>How long after a tuning ConfigMap changes the pods take it, on average.</summary>
    public TimeSpan ReadLag { get; }

    /// <summary>The ApiTunings whose pods these are, as namespace/name.</summary>
    public IReadOnlyCollection<string> Keys => [.. _targets.Keys];

    /// <summary>True while the pods starve; cleared, they are healthy.</summary>
    public bool Starving
    {
        get => _starving;
        set => _starving = value;
    }

    /// <summary>The metrics path of an ApiTuning's pods.</summary>
    public static string PathOf(string ns, string name) => $"{PathPrefix}{ns}/{name}";

    /// <summary>Adds the pods of <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public void Add(string ns, string name)
    {
        lock (_targets)
        {
            _targets.TryAdd($"{ns}/{name}", new Target(_clock.Elapsed, ReadLag * (0.5 + (_targets.Count % 3))));
        }
    }

    /// <summary>True when <paramref name="key"/> (namespace/name) is one of these.</summary>
    public bool Contains(string key) => _targets.ContainsKey(key);

    /// <summary>The tuning file the ApiTuning's ConfigMap holds from now on (null: none, or one the agent would reject).</summary>
    public void Delivered(string key, TuningFile? file)
    {
        if (_targets.TryGetValue(key, out var target))
        {
            lock (target)
            {
                target.Files.Add((_clock.Elapsed, file));
            }
        }
    }

    /// <summary>What the pods of <paramref name="key"/> report applied now: the generation (0 before any file) and minimum threads.</summary>
    public (long Generation, int MinThreads) Applied(string key)
    {
        var target = _targets[key];
        lock (target)
        {
            return AppliedAt(target, _clock.Elapsed);
        }
    }

    /// <summary>The exposition text for a scrape of <paramref name="path"/>, or null when it is no path of these pods.</summary>
    public byte[]? Render(string path)
    {
        if (!path.StartsWith(PathPrefix, StringComparison.Ordinal) || !_targets.TryGetValue(path[PathPrefix.Length..], out var target))
        {
            return null;
        }

        var now = _clock.Elapsed;
        var starving = _starving;
        lock (target)
        {
            var (generation, minThreads) = AppliedAt(target, now);
            if (generation != target.Generation)
            {
                target.Generation = generation;
                target.QueueSince = now;
                target.Taken++;
            }

            var seconds = Math.Max(0, (now - target.Updated).TotalSeconds);
            target.Updated = now;
            var requests = RequestsPerSecond * seconds;
            var healthy = starving ? Math.Min(0.96, 0.08 * target.Taken) : 1;
            Answer(target, requests * healthy, HealthyLatency);
            Answer(target, requests * (1 - healthy), StarvedLatency);
            target.Cpu += seconds * 0.05;
            var queue = starving ? 40 + (2 * (now - target.QueueSince).TotalSeconds) : 0;
            return Encoding.UTF8.GetBytes(Text(target, queue, minThreads, generation));
        }
    }

    private static void Answer(Target target, double requests, double latency)
    {
        target.Buckets[Array.FindIndex(Bounds, b => latency <= b)] += requests;
        target.Sum += requests * latency;
    }

    private (long Generation, int MinThreads) AppliedAt(Target target, TimeSpan now)
    {
        // The newest file the ConfigMap held one lag ago; a file the agent could not read leaves the settings as they are.
        for (var i = target.Files.Count - 1; i >= 0; i--)
        {
            if (target.Files[i].At <= now - target.Lag && target.Files[i].File is { } file)
            {
                return (file.Generation, file.ThreadPoolMinThreads ?? InitialMinThreads);
            }
        }

        return (0, InitialMinThreads);
    }

    private static string Text(Target target, double queue, int minThreads, long generation)
    {
        var text = new StringBuilder(4096);
        const string tags = "http_request_method=\"GET\",http_response_status_code=\"200\",http_route=\"/orders/{id}\"";
        text.Append("# TYPE http_server_request_duration_seconds histogram\n");
        var cumulative = 0.0;
        for (var i = 0; i < Bounds.Length; i++)
        {
            cumulative += target.Buckets[i];
            var le = double.IsPositiveInfinity(Bounds[i]) ? "+Inf" : Bounds[i].ToString("G17", CultureInfo.InvariantCulture);
            Line(text, MetricNames.RequestDuration.Bucket, $"{tags},le=\"{le}\"", Math.Floor(cumulative));
        }

        Line(text, MetricNames.RequestDuration.Sum, tags, target.Sum);
        Line(text, MetricNames.RequestDuration.Count, tags, Math.Floor(cumulative));
        Line(text, MetricNames.ProcessCpuTime.Prometheus, "cpu_mode=\"user\"", target.Cpu);
        Line(text, MetricNames.ProcessCpuCount.Prometheus, null, 2);
        Line(text, MetricNames.ThreadPoolQueueLength.Prometheus, null, Math.Round(queue));
        Line(text, MetricNames.ThreadPoolThreadCount.Prometheus, null, minThreads);
        Line(text, MetricNames.AppliedGeneration.Prometheus, null, generation);
        Line(text, MetricNames.AppliedMinThreads.Prometheus, null, minThreads);
        Line(text, MetricNames.AppliedPoolSize.Prometheus, null, 10);
        return text.ToString();
    }

    private static void Line(StringBuilder text, string name, string? tags, double value) =>
        text.Append(name).Append(tags is null ? string.Empty : $"{{{tags}}}").Append(' ').Append(value.ToString("G17", CultureInfo.InvariantCulture)).Append('\n');

    private sealed class Target(TimeSpan created, TimeSpan lag)
    {
        public TimeSpan Lag { get; } = lag;

        public List<(TimeSpan At, TuningFile? File)> Files { get; } = [];

        public double[] Buckets { get; } = new double[Bounds.Length];

        public double Sum { get; set; }

        public double Cpu { get; set; }

        public TimeSpan Updated { get; set; } = created;

        public TimeSpan QueueSince { get; set; } = created;

        public long Generation { get; set; }

        /// <summary>How many tuning files the pods have taken.</summary>
        public int Taken { get; set; }
    }
}
