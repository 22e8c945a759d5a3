using System.Collections.Concurrent;
using System.Diagnostics;
using Autotune.Engine.Resource.Spec;
using Autotune.KubeApi;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using k8s;

namespace Autotune.OperatorBench;

/// <summary>
/// The fault soak: the benchmark's ApiTunings, the controller in this process, and once every ApiTuning has had a
/// good pass (and status Ready), <see cref="BenchOptions.FaultSeconds"/> of API-server faults in rounds every
/// <see cref="BenchOptions.FaultEverySeconds"/>, each fault a twentieth of the ApiTunings' count of requests: status
/// patches answered 500 and 409 or held <see cref="BenchOptions.FaultDelay"/> (half as many), tuning ConfigMap
/// reads answered 500, every watch cut, reconnects and LISTs of each collection answered 500, every third round the
/// history compacted (so reconnects get 410 and re-list), and malformed ApiTuning watch events (a truncated line, a
/// field of the wrong type). Then the faults stop and the soak measures how long until the controller is ready,
/// every ApiTuning has had a good pass, and every status says Ready again, in windows.
/// </summary>
public static class FaultSoak
{
    private const string ApiTunings = "/apis/autotune.dev/v1alpha1/apitunings";
    private const string Status = "/apis/autotune.dev/v1alpha1/namespaces/*/apitunings/*/status";

    /// <summary>Runs the soak; <paramref name="progress"/> gets a line now and then.</summary>
    public static async Task<FaultSoakResult> RunAsync(BenchOptions options, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var wall = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Deadline);
        var ct = deadline.Token;
        var window = TimeSpan.FromSeconds(options.WindowSeconds);

        await using var server = await BenchCluster.StartAsync(options, ct);
        await using var capture = await CaptureServer.StartAsync(CaptureServer.DefaultCapture, ct);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
        await BenchCluster.FillAsync(client, options, capture.Port, ct);
        progress($"created {options.Tunings} ApiTunings in {options.Namespaces} namespaces ({wall.Elapsed.TotalSeconds:F0}s)");

        await using var side = OperatorSide.Start(server.Url, options.Tunings);
        var controller = side.Controller;
        var clock = Stopwatch.StartNew();
        var lastGood = new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);
        var results = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var faulting = false;
        controller.Reconciled += (key, result) =>
        {
            if (Volatile.Read(ref faulting))
            {
                results.AddOrUpdate(result, 1, (_, n) => n + 1);
            }

            if (result is ReconcileResult.Acted or ReconcileResult.Held or ReconcileResult.Recommended)
            {
                lastGood[key] = clock.Elapsed;
            }
        };

        await UntilAsync(() => lastGood.Count >= options.Tunings && controller.NotReady.Count == 0, "every ApiTuning to pass once", progress, ct);
        var readyBefore = await UntilReadyAsync(client, options, options.Tunings, window * 2, ct);
        progress($"steady after {clock.Elapsed.TotalSeconds:F0}s: {readyBefore} of {options.Tunings} Ready; faults for {options.FaultSeconds}s");

        var fromRecord = server.Requests.Records.Count;
        Volatile.Write(ref faulting, true);
        var faultClock = Stopwatch.StartNew();
        var rounds = 0;
        var per = Math.Max(1, options.Tunings / 20);
        while (faultClock.Elapsed < TimeSpan.FromSeconds(options.FaultSeconds))
        {
            rounds++;
            Round(server, rounds, per, options.FaultDelay);
            await Task.Delay(TimeSpan.FromSeconds(options.FaultEverySeconds), ct);
        }

        server.Faults.Clear();
        var lastFault = clock.Elapsed;
        Volatile.Write(ref faulting, false);
        var faultRecords = server.Requests.Records.Skip(fromRecord).ToList();
        progress($"faults stopped after {rounds} rounds; recovering");

        await UntilAsync(() => controller.NotReady.Count == 0, "the controller ready", progress, ct);
        var controllerReady = clock.Elapsed - lastFault;
        await UntilAsync(() => lastGood.Values.Count(t => t > lastFault) >= options.Tunings, "a good pass of every ApiTuning", progress, ct);
        var everyPass = clock.Elapsed - lastFault;
        var readyAfter = await UntilReadyAsync(client, options, readyBefore, window * 5, ct);
        var statusReady = clock.Elapsed - lastFault;

        return new FaultSoakResult
        {
            Options = options,
            Rounds = rounds,
            FaultSpan = TimeSpan.FromSeconds(options.FaultSeconds),
            Answered = faultRecords.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count()),
            Refused = faultRecords.Where(r => r.Status >= 300).GroupBy(r => $"{r.Status} {r.Verb} {Resource(r.Path)}")
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            ListsDuringFaults = faultRecords.Where(r => r.Verb == "list").GroupBy(r => Resource(r.Path)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            WatchesDuringFaults = faultRecords.Count(r => r.Verb == "watch"),
            WatchFailures = side.Metrics.WatchFailures.GetAllLabelValues().ToDictionary(l => $"{l[0]} {l[1]}", l => side.Metrics.WatchFailures.WithLabels(l).Value, StringComparer.Ordinal),
            LoopFailures = side.Metrics.LoopFailures.GetAllLabelValues().ToDictionary(l => l[0], l => side.Metrics.LoopFailures.WithLabels(l).Value, StringComparer.Ordinal),
            ResultsDuringFaults = new Dictionary<string, long>(results, StringComparer.Ordinal),
            ReadyBefore = readyBefore,
            ReadyAfter = readyAfter,
            ControllerReady = controllerReady,
            EveryPass = everyPass,
            StatusReady = statusReady,
            Window = window,
            Changes = Changes(server, fromRecord),
            Wall = wall.Elapsed,
        };
    }

    /// <summary>One round of faults.</summary>
    private static void Round(KubeApiServer server, int round, int per, TimeSpan delay)
    {
        var faults = server.Faults;
        faults.FailNext(per, "PATCH", Status, 500);
        faults.FailNext(per, "PATCH", Status, 409);
        if (delay > TimeSpan.Zero)
        {
            faults.DelayNext(per / 2, "PATCH", Status, delay);
        }

        faults.FailNext(per, "GET", "/api/v1/namespaces/*/configmaps/*", 500);
        foreach (var collection in new[] { ApiTunings, "/apis/apps/v1/deployments", "/api/v1/pods", "/apis/autoscaling/v2/horizontalpodautoscalers" })
        {
            faults.FailNext(2, "GET", collection, 500);
        }

        switch (round % 4)
        {
            case 1:
                faults.RewriteNextWatchEvents(1, ApiTunings, line => line[..(line.Length / 2)]);
                break;
            case 3:
                faults.RewriteNextWatchEvents(1, ApiTunings, line => line.Replace("\"p99LatencyMs\":250", "\"p99LatencyMs\":\"fast\"", StringComparison.Ordinal));
                break;
            default:
                break;
        }

        if (round % 3 == 0)
        {
            server.Store.Compact();
        }

        faults.DropWatches();
    }

    /// <summary>Writes that change a knob: tuning ConfigMap writes and Deployment scale or template patches.</summary>
    private static int Changes(KubeApiServer server, int from) =>
        server.Requests.Records.Skip(from).Count(r => r.Status < 300 && r.Verb is "create" or "update" or "patch"
            && (r.Path.Contains("/configmaps", StringComparison.Ordinal) || r.Path.Contains("/deployments", StringComparison.Ordinal)));

    /// <summary>Waits until at least <paramref name="want"/> ApiTunings say Ready=True, or <paramref name="limit"/> passed; returns how many do.</summary>
    private static async Task<int> UntilReadyAsync(IKubernetes client, BenchOptions options, int want, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ready = 0;
            for (var i = 0; i < options.Namespaces; i++)
            {
                var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<ApiTuningList>(
                    ApiTuningResource.Group, ApiTuningResource.Version, BenchCluster.Namespace(i), ApiTuningResource.Plural, cancellationToken: cancellationToken);
                ready += list.Items.Count(t => t.Status?.Conditions.Any(c => c.Type == ConditionTypes.Ready && c.Status == ConditionStatus.True) == true);
            }

            if (ready >= want || clock.Elapsed > limit)
            {
                return ready;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private static async Task UntilAsync(Func<bool> done, string what, Action<string> progress, CancellationToken cancellationToken)
    {
        var told = Stopwatch.StartNew();
        while (!done())
        {
            if (told.Elapsed > TimeSpan.FromSeconds(15))
            {
                told.Restart();
                progress($"  waiting for {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>The resource (and subresource) of a path: /api/v1/namespaces/x/configmaps/y -> configmaps.</summary>
    private static string Resource(string path)
    {
        var parts = path.Trim('/').Split('/');
        var i = Array.IndexOf(parts, "namespaces");
        var rest = i >= 0 && parts.Length > i + 2 ? parts[(i + 2)..] : parts[^Math.Min(parts.Length, 1)..];
        return rest.Length >= 3 ? $"{rest[0]}/{rest[2]}" : rest[0];
    }
}
