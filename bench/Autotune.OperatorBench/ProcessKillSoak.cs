using System.Diagnostics;
using Autotune.KubeApi;
using k8s;

namespace Autotune.OperatorBench;

/// <summary>
/// The operator killed for real: the benchmark's ApiTunings, those asking for changes among them (<see cref="StarvingPods"/>),
/// and the operator in a child process under leader election (<see cref="ChildSoakOperator"/>). Once it has made
/// <see cref="BenchOptions.KillAfterWrites"/> tuning ConfigMap writes, it is sent SIGKILL the moment its next one is
/// stored (so the pass that made it has not recorded it in status yet, or has only just); a second child process with
/// another identity takes the Lease once it expires and carries on, then the demand is met and every change is audited
/// (<see cref="ChangeAudit"/>), with the writes no leader made and those the killed process sent that landed after the kill.
/// </summary>
public static class ProcessKillSoak
{
    private const string FirstIdentity = "autotune-child-a";
    private const string SecondIdentity = "autotune-child-b";

    /// <summary>Runs it; <paramref name="progress"/> gets a line now and then.</summary>
    public static async Task<ProcessKillResult> RunAsync(BenchOptions options, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var wall = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Deadline);
        var ct = deadline.Token;
        var window = TimeSpan.FromSeconds(options.WindowSeconds);

        await using var server = await BenchCluster.StartAsync(options, ct, FirstIdentity, SecondIdentity);
        var starving = new StarvingPods(window / 3);
        await using var capture = await CaptureServer.StartAsync(CaptureServer.DefaultCapture, ct, starving);
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
        using var recorder = new ChangeRecorder(server, starving, FirstIdentity, SecondIdentity);
        await BenchCluster.FillAsync(client, options, capture.Port, ct, starving);
        progress($"created {options.Tunings} ApiTunings, {starving.Keys.Count} of them asking for changes; starting the operator process");

        await using var first = ChildSoakOperator.Start(server.Url, FirstIdentity, BenchCluster.Token(FirstIdentity));
        var second = (ChildSoakOperator?)null;
        try
        {
            await UntilAsync(() => Holder(server) == FirstIdentity, "the first process to lead", progress, ct);
            await UntilAsync(() => recorder.ChangeWrites >= options.KillAfterWrites, $"{options.KillAfterWrites} tuning ConfigMap writes", progress, ct);

            // The moment the next write is stored: its pass goes on to write Events and status, which the kill cuts short.
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnWrite() => written.TrySetResult();
            recorder.ConfigMapWritten += OnWrite;
            await written.Task.WaitAsync(ct);
            recorder.ConfigMapWritten -= OnWrite;
            var killTime = DateTimeOffset.UtcNow;
            await first.KillAsync(ct);
            var killed = DateTimeOffset.UtcNow;
            var killRecord = server.Requests.Records.Count;
            var inFlight = recorder.Disagreeing().Count;
            var writesBefore = recorder.ChangeWrites;
            progress($"killed the first process (SIGKILL) after {writesBefore} tuning ConfigMap writes, {inFlight} changes in flight; starting a second");

            second = ChildSoakOperator.Start(server.Url, SecondIdentity, BenchCluster.Token(SecondIdentity));
            await UntilAsync(() => Holder(server) == SecondIdentity, "the second process to lead", progress, ct);
            var newLeader = DateTimeOffset.UtcNow - killTime;

            // The second carries on: every ApiTuning asking for changes has a status written by it, and it made a change of its own.
            await UntilAsync(() => recorder.StatusWritersSince(killed, SecondIdentity) >= starving.Keys.Count && recorder.WritesBy(SecondIdentity) > 0,
                "the second process to pass every ApiTuning asking for changes and make a change", progress, ct);

            var audit = await recorder.SettleAsync(window * 8, ct);
            var afterKill = server.Requests.Records.Skip(killRecord).ToList();
            var acquired = afterKill.Where(r => r.User == SecondIdentity && FaultSoak.IsLeaseWrite(r)).Select(r => r.Time).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            // A killed process sends nothing more, but what it sent before may still be taken up by the server after the
            // kill (queued under load); it led until its Lease expired, so only its writes taken up once the second held
            // the Lease were made without it, as were the second's before its Lease write.
            string Describe(KubeApi.Observation.RequestRecord r) => $"{r.User} {r.Verb} {r.Path} ({r.Status})";
            var landedAfterKill = server.Requests.Records.Where(r => FaultSoak.IsWrite(r) && r.User == FirstIdentity && r.Time - r.Duration > killTime).Select(Describe).ToList();
            var withoutLeader = server.Requests.Records
                .Where(r => FaultSoak.IsWrite(r) && (r.User == FirstIdentity ? r.Time - r.Duration > acquired : r.User == SecondIdentity && r.Time - r.Duration < acquired))
                .Select(Describe).ToList();
            return new ProcessKillResult
            {
                Options = options,
                WritesBeforeKill = writesBefore,
                ChangesInFlight = inFlight,
                NewLeader = newLeader,
                WritesWithoutLeader = withoutLeader,
                LandedAfterKill = landedAfterKill,
                Audit = audit,
                Wall = wall.Elapsed,
            };
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    private static string? Holder(KubeApiServer server)
    {
        var leases = server.Catalog.Find("coordination.k8s.io", "v1", "leases")!;
        return (string?)server.Store.TryGet(leases, SoakOperator.Lease.Namespace, SoakOperator.Lease.Name)?["spec"]?["holderIdentity"];
    }

    private static async Task UntilAsync(Func<bool> done, string what, Action<string> progress, CancellationToken ct)
    {
        var told = Stopwatch.StartNew();
        while (!done())
        {
            if (told.Elapsed > TimeSpan.FromSeconds(15))
            {
                told.Restart();
                progress($"  waiting for {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), ct);
        }
    }
}

/// <summary>What the process-kill soak measured.</summary>
public sealed record ProcessKillResult
{
    /// <summary>The run's options.</summary>
    public required BenchOptions Options { get; init; }

    /// <summary>Tuning ConfigMap writes stored when the first process was killed (the last one the moment before).</summary>
    public int WritesBeforeKill { get; init; }

    /// <summary>ApiTunings with a change in flight (applied, not yet confirmed and judged in status) right after the kill.</summary>
    public int ChangesInFlight { get; init; }

    /// <summary>From the kill until the second process held the Lease.</summary>
    public TimeSpan NewLeader { get; init; }

    /// <summary>
    /// Writes (status, ConfigMaps, Deployments) no leader made: the killed process's that the server took up once the
    /// second held the Lease, the second's before its Lease write.
    /// </summary>
    public IReadOnlyList<string> WritesWithoutLeader { get; init; } = [];

    /// <summary>Writes the killed process sent before the kill that the server took up after it (it still held the Lease).</summary>
    public IReadOnlyList<string> LandedAfterKill { get; init; } = [];

    /// <summary>What became of every change.</summary>
    public required ChangeAudit Audit { get; init; }

    /// <summary>The whole run.</summary>
    public TimeSpan Wall { get; init; }
}
