using System.Diagnostics;
using Autotune.KubeApi.Observation;
using k8s;

namespace Autotune.OperatorBench;

/// <summary>
/// One run: fill the API test server, start the operator, wait until every ApiTuning has had its first pass (the
/// steady state starts there: every cache listed, every first status written), then until each has had
/// <see cref="BenchOptions.Passes"/> passes and at least <see cref="BenchOptions.SteadyAtLeast"/> went by; count
/// the requests of that span from the server's request log and read the operator's memory and durations.
/// </summary>
public static class BenchRun
{
    /// <summary>Runs the benchmark; <paramref name="progress"/> gets a line now and then.</summary>
    public static async Task<BenchResult> RunAsync(BenchOptions options, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var wall = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Deadline);
        var ct = deadline.Token;
        var loadAtStart = LoadAverage();
        using var serverPauses = new RuntimePauses();

        await using var server = await BenchCluster.StartAsync(options, ct);
        await using var capture = await CaptureServer.StartAsync(CaptureServer.DefaultCapture, ct);
        using (var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url }))
        {
            await BenchCluster.FillAsync(client, options, capture.Port, ct);
        }

        progress($"created {options.Tunings} ApiTunings, Deployments and {options.Tunings * options.PodsPerTuning} pods in {options.Namespaces} namespaces ({wall.Elapsed.TotalSeconds:F0}s)");
        server.Requests.Clear();
        var started = Stopwatch.StartNew();
        await using IOperatorUnderTest op = options.InProcess
            ? new InProcessOperator(OperatorSide.Start(server.Url, options.Tunings))
            : ChildProcessOperator.Start(server.Url, options.Tunings, options.OperatorEnvironment);

        var first = await UntilAsync(op, s => s.MinPasses >= 1, progress, ct);
        var firstPassAll = started.Elapsed;
        var steadyFrom = server.Requests.Records.Count;
        var steadyClock = Stopwatch.StartNew();
        progress($"every ApiTuning has had a pass after {firstPassAll.TotalSeconds:F0}s; steady state from here");

        var last = await UntilAsync(op, s => s.MinPasses >= options.Passes && steadyClock.Elapsed >= options.SteadyAtLeast, progress, ct);
        var steady = steadyClock.Elapsed;
        var records = server.Requests.Records;
        var memory = op.Memory();
        var final = await op.StopAsync();

        var span = records.Skip(steadyFrom).ToList();
        return new BenchResult
        {
            Options = options,
            MemoryScope = op.MemoryScope,
            RssBytes = memory?.Rss,
            PeakRssBytes = memory?.Peak,
            Final = final,
            FirstPassAll = firstPassAll,
            Steady = steady,
            SteadyPasses = last.Passes - first.Passes,
            SteadyLists = span.Count(r => r.Verb == "list"),
            SteadyRequests = span.Count(r => r.Verb != "watch"),
            SteadyWatches = span.Count(r => r.Verb == "watch"),
            SteadyBreakdown = Breakdown(span),
            Scrapes = capture.Scrapes,
            LoadAtStart = loadAtStart,
            LoadAtEnd = LoadAverage(),
            Wall = wall.Elapsed,
            ServerPauses = serverPauses.Snapshot(),
        };
    }

    private static async Task<ProbeStats> UntilAsync(IOperatorUnderTest op, Func<ProbeStats, bool> done, Action<string> progress, CancellationToken cancellationToken)
    {
        var told = Stopwatch.StartNew();
        while (true)
        {
            if (op.Latest is { } latest)
            {
                if (done(latest))
                {
                    return latest;
                }

                if (told.Elapsed > TimeSpan.FromSeconds(15))
                {
                    told.Restart();
                    var memory = op.Memory();
                    progress($"  {latest.Keys} ApiTunings passed, fewest passes {latest.MinPasses}, {latest.Passes} passes, P99 {latest.P99Ms:F1} ms, RSS {(memory?.Rss ?? 0) / 1048576.0:F0} MB");
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static Dictionary<string, int> Breakdown(IEnumerable<RequestRecord> records) =>
        records.Where(r => r.Verb != "watch")
            .GroupBy(r => $"{r.Verb} {Resource(r.Path)}")
            .OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>The resource (and subresource) of a path: /api/v1/namespaces/x/configmaps/y -> configmaps.</summary>
    private static string Resource(string path)
    {
        var parts = path.Trim('/').Split('/');
        var i = Array.IndexOf(parts, "namespaces");
        var rest = i >= 0 && parts.Length > i + 2 ? parts[(i + 2)..] : parts[^Math.Min(parts.Length, 2)..];
        return rest.Length switch
        {
            >= 3 => $"{rest[0]}/{rest[2]}",
            >= 1 => rest[0],
            _ => path,
        };
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
