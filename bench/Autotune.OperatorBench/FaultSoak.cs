using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Autotune.Engine.Resource.Spec;
using Autotune.KubeApi;
using Autotune.KubeApi.Observation;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using k8s;
using k8s.Models;

namespace Autotune.OperatorBench;

/// <summary>
/// The fault soak: the benchmark's ApiTunings and the controller in this process under leader election
/// (<see cref="SoakOperator"/>). Once every ApiTuning has had a good pass (and status Ready), four phases of faults,
/// each followed by the time until every ApiTuning has a good pass and says Ready again, in windows:
/// <list type="number">
/// <item>API-server faults for <see cref="BenchOptions.FaultSeconds"/> in rounds every
/// <see cref="BenchOptions.FaultEverySeconds"/>, each fault a twentieth of the ApiTunings' count of requests: status
/// patches answered 500 and 409 or held <see cref="BenchOptions.FaultDelay"/> (half as many), tuning ConfigMap
/// reads answered 500, every watch cut, reconnects and LISTs of each collection answered 500, every third round the
/// history compacted (so reconnects get 410 and re-list), and malformed ApiTuning watch events (a truncated line, a
/// field of the wrong type);</item>
/// <item>metrics endpoints that hang: the pods of a twentieth of the ApiTunings moved to a
/// <see cref="HangingEndpoint"/> for <see cref="BenchOptions.FaultSeconds"/>;</item>
/// <item>loss of leadership: another identity takes the Lease and holds it for half of
/// <see cref="BenchOptions.FaultSeconds"/> (at least 20 s), then hands it back;</item>
/// <item>the operator killed (its client disposed, then cancelled: nothing handed back) and a new instance started
/// against the same API server.</item>
/// </list>
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

        const string FirstIdentity = "autotune-bench-a", SecondIdentity = "autotune-bench-b";
        await using var server = await BenchCluster.StartAsync(options, ct, FirstIdentity, SecondIdentity);
        var starving = new StarvingPods(window / 3);
        await using var capture = await CaptureServer.StartAsync(CaptureServer.DefaultCapture, ct, starving);
        await using var hanging = HangingEndpoint.Start(capture.Port);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
        using var recorder = new ChangeRecorder(server, starving, FirstIdentity, SecondIdentity);
        await BenchCluster.FillAsync(client, options, capture.Port, ct, starving);
        progress($"created {options.Tunings} ApiTunings in {options.Namespaces} namespaces, {starving.Keys.Count} of them asking for changes ({wall.Elapsed.TotalSeconds:F0}s)");

        var clock = Stopwatch.StartNew();
        var good = new ConcurrentDictionary<string, ConcurrentQueue<TimeSpan>>(StringComparer.Ordinal);
        var passes = new ConcurrentQueue<(TimeSpan At, string Key, string Result)>();
        var first = SoakOperator.Start(server.Url, FirstIdentity, BenchCluster.Token(FirstIdentity));
        var second = (SoakOperator?)null;
        try
        {
            void Watch(SoakOperator op) => op.Reconciled += (key, result) =>
            {
                var at = clock.Elapsed;
                passes.Enqueue((at, key, result));
                if (result is ReconcileResult.Acted or ReconcileResult.Held or ReconcileResult.Recommended)
                {
                    good.GetOrAdd(key, _ => new ConcurrentQueue<TimeSpan>()).Enqueue(at);
                }
            };
            Watch(first);
            var current = first;
            bool GoodSince(TimeSpan from) => good.Count >= options.Tunings && good.Values.All(q => q.LastOrDefault() > from);

            await UntilAsync(() => GoodSince(TimeSpan.Zero) && current.Runner.IsLeader && current.Runner.NotReady.Count == 0, "every ApiTuning to pass once", progress, ct);
            var readyBefore = await UntilReadyAsync(client, options, options.Tunings, window * 2, ct);
            progress($"steady after {clock.Elapsed.TotalSeconds:F0}s: {readyBefore} of {options.Tunings} Ready; API faults for {options.FaultSeconds}s");

            // 1. API-server faults.
            var fromRecord = server.Requests.Records.Count;
            var faultStart = clock.Elapsed;
            var faultStartTime = DateTimeOffset.UtcNow;
            var changeWritesBefore = recorder.ChangeWrites;
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
            var changeWritesDuringFaults = recorder.ChangeWrites - changeWritesBefore;
            var faultRecords = server.Requests.Records.Skip(fromRecord).ToList();
            progress($"API faults stopped after {rounds} rounds; recovering");

            await UntilAsync(() => current.Runner.NotReady.Count == 0, "the controller ready", progress, ct);
            var controllerReady = clock.Elapsed - lastFault;
            await UntilAsync(() => GoodSince(lastFault), "a good pass of every ApiTuning", progress, ct);
            var everyPass = clock.Elapsed - lastFault;
            var readyAfter = await UntilReadyAsync(client, options, readyBefore, window * 5, ct);
            var statusReady = clock.Elapsed - lastFault;

            // 2. Metrics endpoints that hang.
            var hang = await HangAsync(recorder, client, hanging, first.Metrics, options, clock, good, passes, GoodSince, progress, ct);

            // 3. Loss of leadership.
            var leadership = await LeadershipAsync(server, recorder, client, current, options, clock, GoodSince, progress, ct);

            // 4. The operator killed and a new one started.
            // Each instance has its own user, so the log attributes every write: the killed one's that reached the server
            // after the kill (a request already in flight at the kill has started before it and is its last act as leader),
            // and the new one's before its Lease write succeeded.
            var killedAt = clock.Elapsed;
            var killRecord = server.Requests.Records.Count;
            var inFlightAtKill = recorder.Disagreeing().Count;
            var killTime = DateTimeOffset.UtcNow;
            await first.KillAsync();
            second = SoakOperator.Start(server.Url, SecondIdentity, BenchCluster.Token(SecondIdentity));
            Watch(second);
            current = second;
            await UntilAsync(() => current.Runner.IsLeader, "the new instance to lead", progress, ct);
            var newLeader = clock.Elapsed - killedAt;
            var afterKill = server.Requests.Records.Skip(killRecord).ToList();
            var acquired = afterKill.Where(r => r.User == SecondIdentity && IsLeaseWrite(r)).Select(r => r.Time).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            var withoutLeader = afterKill.Where(r => IsWrite(r) && (r.User == FirstIdentity ? r.Time - r.Duration > killTime : r.Time - r.Duration < acquired))
                .Select(r => $"{r.User} {r.Verb} {r.Path} ({r.Status})").ToList();
            await UntilAsync(() => GoodSince(killedAt + newLeader), "a good pass of every ApiTuning after the restart", progress, ct);
            var restartEveryPass = clock.Elapsed - killedAt;
            var restartReady = await UntilReadyAsync(client, options, readyBefore, window * 5, ct);
            var restartStatusReady = clock.Elapsed - killedAt;
            progress($"restarted: the new instance led after {newLeader.TotalSeconds:F0}s, every ApiTuning passed after {restartEveryPass.TotalSeconds:F0}s");

            // The demand met: no change is asked for any more, and every change made settles (confirmed, judged, in status).
            progress($"demand met; waiting for the {recorder.ChangeWrites} tuning ConfigMap writes to settle");
            var audit = await recorder.SettleAsync(window * 8, ct);
            var allChanges = recorder.QuietWrites(faultStartTime, DateTimeOffset.MaxValue);
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
                WatchFailures = first.Metrics.WatchFailures.GetAllLabelValues().ToDictionary(l => $"{l[0]} {l[1]}", l => first.Metrics.WatchFailures.WithLabels(l).Value, StringComparer.Ordinal),
                LoopFailures = first.Metrics.LoopFailures.GetAllLabelValues().ToDictionary(l => l[0], l => first.Metrics.LoopFailures.WithLabels(l).Value, StringComparer.Ordinal),
                StatusWriteTimeouts = first.Metrics.StatusWriteTimeouts.GetAllLabelValues().ToDictionary(l => l[0], l => first.Metrics.StatusWriteTimeouts.WithLabels(l).Value, StringComparer.Ordinal),
                ResultsDuringFaults = passes.Where(p => p.At >= faultStart && p.At <= lastFault).GroupBy(p => p.Result).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal),
                ReadyBefore = readyBefore,
                ReadyAfter = readyAfter,
                ControllerReady = controllerReady,
                EveryPass = everyPass,
                StatusReady = statusReady,
                Window = window,
                Changes = allChanges.Values.Sum(),
                MostWritesPerTarget = allChanges.Count == 0 ? 0 : allChanges.Values.Max(),
                Hang = hang,
                Leadership = leadership,
                ChangeWritesDuringFaults = changeWritesDuringFaults,
                Audit = audit,
                Restart = new RestartPhase
                {
                    ChangesInFlight = inFlightAtKill,
                    NewLeader = newLeader,
                    WritesWithoutLeader = withoutLeader,
                    EveryPass = restartEveryPass,
                    ReadyAfter = restartReady,
                    StatusReady = restartStatusReady,
                },
                Wall = wall.Elapsed,
            };
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    /// <summary>Moves the pods of a twentieth of the ApiTunings to the hanging endpoint for the fault span, then back.</summary>
    private static async Task<HangPhase> HangAsync(
        ChangeRecorder recorder, IKubernetes client, HangingEndpoint hanging, OperatorMetrics metrics, BenchOptions options, Stopwatch clock,
        ConcurrentDictionary<string, ConcurrentQueue<TimeSpan>> good, ConcurrentQueue<(TimeSpan At, string Key, string Result)> passes,
        Func<TimeSpan, bool> goodSince, Action<string> progress, CancellationToken ct)
    {
        var hung = Enumerable.Range(0, options.Tunings).Where(i => i % 20 == 0)
            .Select(i => (Namespace: BenchCluster.Namespace(i % options.Namespaces), Name: string.Create(CultureInfo.InvariantCulture, $"api-{i:D4}"))).ToList();
        var hungKeys = hung.Select(h => $"{h.Namespace}/{h.Name}").ToHashSet(StringComparer.Ordinal);
        var metricsBefore = await MetricsAvailableAsync(client, hung, ct);
        var errorsBefore = hung.Sum(h => metrics.ScrapeErrors.WithLabels(h.Namespace, h.Name).Value);
        var from = DateTimeOffset.UtcNow;
        progress($"hanging the metrics endpoints of {hung.Count} ApiTunings for {options.FaultSeconds}s");

        await MovePodsAsync(client, hung, options, HangingEndpoint.Address.ToString(), ct);
        var start = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(options.FaultSeconds), ct);
        var end = clock.Elapsed;
        await MovePodsAsync(client, hung, options, "127.0.0.1", ct);
        var restored = clock.Elapsed;
        var errors = hung.Sum(h => metrics.ScrapeErrors.WithLabels(h.Namespace, h.Name).Value) - errorsBefore;
        var changes = recorder.QuietWrites(from, DateTimeOffset.UtcNow);
        progress("metrics endpoints answer again; recovering");

        // How long the others went without a good pass during the hang (from its start, between passes, to its end).
        var longestGap = good.Where(g => !hungKeys.Contains(g.Key)).Select(g =>
        {
            var times = g.Value.Where(t => t > start && t <= end).Prepend(start).Append(end).ToList();
            return times.Zip(times.Skip(1), (a, b) => b - a).Max();
        }).DefaultIfEmpty().Max();
        var othersWithPass = good.Count(g => !hungKeys.Contains(g.Key) && g.Value.Any(t => t > start && t <= end));

        await UntilAsync(() => goodSince(restored), "a good pass of every ApiTuning after the hang", progress, ct);
        var everyPass = clock.Elapsed - restored;
        var metricsAfter = 0;
        var window = TimeSpan.FromSeconds(options.WindowSeconds);
        var waited = Stopwatch.StartNew();
        while ((metricsAfter = await MetricsAvailableAsync(client, hung, ct)) < metricsBefore && waited.Elapsed < window * 5)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        return new HangPhase
        {
            Hung = hung.Count,
            Others = options.Tunings - hung.Count,
            OthersWithGoodPass = othersWithPass,
            LongestGapOfOthers = longestGap,
            HungResults = passes.Where(p => p.At > start && p.At <= restored && hungKeys.Contains(p.Key)).GroupBy(p => p.Result)
                .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal),
            HungScrapes = hanging.Held.Count,
            LongestHeld = hanging.Held.DefaultIfEmpty().Max(),
            StillOpen = hanging.Open,
            HungScrapeErrors = errors,
            Changes = changes.Values.Sum(),
            MetricsAvailableBefore = metricsBefore,
            MetricsAvailableAfter = metricsAfter,
            EveryPass = everyPass,
            MetricsBack = clock.Elapsed - restored,
        };
    }

    /// <summary>Another identity takes the Lease, holds it, then hands it back.</summary>
    private static async Task<LeadershipPhase> LeadershipAsync(
        KubeApiServer server, ChangeRecorder recorder, IKubernetes client, SoakOperator current, BenchOptions options, Stopwatch clock, Func<TimeSpan, bool> goodSince, Action<string> progress, CancellationToken ct)
    {
        var hold = TimeSpan.FromSeconds(Math.Max(20, options.FaultSeconds / 2));
        progress($"another identity takes the Lease for {hold.TotalSeconds:F0}s");
        var termsBefore = current.Terms;
        var inFlight = recorder.Disagreeing().Count;
        var takenTime = DateTimeOffset.UtcNow;
        var holdClock = Stopwatch.StartNew();

        // Noticed is timed from the intruder's first stored write of the Lease (an attempt the operator's renewal beat
        // with a 409 does not count), taken as the moment that write was sent, and read every 100 ms.
        TimeSpan? takenAt = null;
        TimeSpan? noticed = null;
        DateTimeOffset noticedTime = default;
        var nextHold = TimeSpan.Zero;
        while (holdClock.Elapsed < hold)
        {
            if (holdClock.Elapsed >= nextHold)
            {
                var sent = clock.Elapsed;
                if (await HoldLeaseAsync(client, "intruder", ct))
                {
                    takenAt ??= sent;
                }

                nextHold = holdClock.Elapsed + TimeSpan.FromSeconds(1);
            }

            if (takenAt is { } at && noticed is null && !current.Runner.IsLeader)
            {
                noticed = clock.Elapsed - at;
                noticedTime = DateTimeOffset.UtcNow;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        var records = server.Requests.Records.Where(r => r.Time >= takenTime).ToList();
        var beforeNotice = noticed is null ? Writes(records) : Writes(records.Where(r => r.Time < noticedTime));
        var afterNotice = noticed is null ? 0 : Writes(records.Where(r => r.Time >= noticedTime));

        // Handed back: the holder emptied, as an instance that stops leading does.
        var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(SoakOperator.Lease.Name, SoakOperator.Lease.Namespace, cancellationToken: ct);
        lease.Spec.HolderIdentity = string.Empty;
        lease.Spec.LeaseDurationSeconds = 1;
        await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, SoakOperator.Lease.Name, SoakOperator.Lease.Namespace, cancellationToken: ct);
        var released = clock.Elapsed;
        progress("the Lease is free again; recovering");
        await UntilAsync(() => current.Runner.IsLeader && current.Terms > termsBefore && current.Runner.NotReady.Count == 0, "the operator to lead again", progress, ct);
        var leadingAgain = clock.Elapsed - released;
        await UntilAsync(() => goodSince(released + leadingAgain), "a good pass of every ApiTuning after the Lease came back", progress, ct);
        var everyPass = clock.Elapsed - released;
        var ready = await UntilReadyAsync(client, options, options.Tunings, TimeSpan.FromSeconds(options.WindowSeconds) * 5, ct);
        return new LeadershipPhase
        {
            ChangesInFlight = inFlight,
            Held = hold,
            Noticed = noticed,
            WritesBeforeNotice = beforeNotice,
            WritesAfterNotice = afterNotice,
            LeadingAgain = leadingAgain,
            EveryPass = everyPass,
            ReadyAfter = ready,
            StatusReady = clock.Elapsed - released,
        };
    }

    /// <summary>Takes (or renews) the Lease for <paramref name="identity"/>, as another operator instance would.</summary>
    /// <summary>Writes the Lease as held by <paramref name="identity"/>; false when the operator's renewal came first (409).</summary>
    private static async Task<bool> HoldLeaseAsync(IKubernetes client, string identity, CancellationToken ct)
    {
        var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(SoakOperator.Lease.Name, SoakOperator.Lease.Namespace, cancellationToken: ct);
        var now = DateTime.UtcNow;
        if (lease.Spec.HolderIdentity != identity)
        {
            lease.Spec.HolderIdentity = identity;
            lease.Spec.AcquireTime = now;
            lease.Spec.LeaseTransitions = (lease.Spec.LeaseTransitions ?? 0) + 1;
        }

        lease.Spec.RenewTime = now;
        lease.Spec.LeaseDurationSeconds = 15;
        try
        {
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, SoakOperator.Lease.Name, SoakOperator.Lease.Namespace, cancellationToken: ct);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // The operator renewed in between; taken on the next try.
            return false;
        }
    }

    private static async Task MovePodsAsync(IKubernetes client, IEnumerable<(string Namespace, string Name)> tunings, BenchOptions options, string ip, CancellationToken ct)
    {
        foreach (var (ns, name) in tunings)
        {
            for (var p = 0; p < options.PodsPerTuning; p++)
            {
                var body = KubernetesJson.Serialize(new { status = new { podIP = ip } });
                await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch), $"{name}-{p}", ns, cancellationToken: ct);
            }
        }
    }

    private static async Task<int> MetricsAvailableAsync(IKubernetes client, IEnumerable<(string Namespace, string Name)> tunings, CancellationToken ct)
    {
        var available = 0;
        foreach (var (ns, name) in tunings)
        {
            var tuning = await client.CustomObjects.GetNamespacedCustomObjectAsync<ApiTuningResource>(
                ApiTuningResource.Group, ApiTuningResource.Version, ns, ApiTuningResource.Plural, name, cancellationToken: ct);
            available += tuning.Status?.Conditions.Any(c => c.Type == ConditionTypes.MetricsAvailable && c.Status == ConditionStatus.True) == true ? 1 : 0;
        }

        return available;
    }

    /// <summary>A successful write of the Lease the soak's operators compete for.</summary>
    internal static bool IsLeaseWrite(RequestRecord r) =>
        r.Status < 300 && r.Verb is "create" or "update" or "patch" && r.Path.EndsWith($"/leases/{SoakOperator.Lease.Name}", StringComparison.Ordinal);

    /// <summary>Successful writes other than the Lease's and Events (status, ConfigMaps, Deployments).</summary>
    private static int Writes(IEnumerable<RequestRecord> records) => records.Count(IsWrite);

    internal static bool IsWrite(RequestRecord r) =>
        r.Status < 300 && r.Verb is "create" or "update" or "patch" or "delete"
            && !r.Path.Contains("/leases", StringComparison.Ordinal) && !r.Path.Contains("/events", StringComparison.Ordinal) && !r.Path.Contains("/pods", StringComparison.Ordinal);

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
