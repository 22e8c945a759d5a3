using Autotune.Load;
using Autotune.Operator.Local;

namespace Autotune.Demo;

/// <summary>
/// The operator at work: local mode runs in this process with the demo's ApiTuning, starts the replicas itself,
/// and tunes them for a fixed number of windows while the generator climbs to a steady rate and follows the
/// replicas it runs. Local mode prints its window and Event lines; the demo adds the client's view per window.
/// </summary>
public sealed class TuningPhase(DemoStack stack, DemoScenario scenario, IReadOnlyList<string> command, DemoPorts ports, string specPath, TimeSpan window, double objectiveMs, TextWriter output)
{
    /// <summary>
    /// Runs local mode to its last window, or until <paramref name="stopWhen"/> says its record shows enough (checked
    /// every second); returns the client's reports and local mode's exit code.
    /// </summary>
    /// <remarks>
    /// With <paramref name="workload"/>, local mode tunes those processes (the caller's) and leaves them serving when
    /// it ends; without, it starts its own and stops them.
    /// </remarks>
    public async Task<(PhaseResult Result, int ExitCode)> RunAsync(CancellationToken cancellationToken, Func<LocalRecord, bool>? stopWhen = null, int? initialReplicas = null, ProcessWorkload? workload = null)
    {
        var started = new TaskCompletionSource<ProcessWorkload>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new LocalOptions
        {
            SpecPath = specPath,
            ApiCommand = command,
            ApiEnvironment = stack.ApiEnvironment,
            TuningFile = stack.TuningFile,
            ApiPort = ports.Api,
            MetricsPort = ports.Metrics,
            PostgresAdminEnv = DemoStack.AdminEnv,
            PostgresRestart = stack.PostgresRestart,
            Windows = scenario.TuningWindows,
            InitialReplicas = initialReplicas,
            RecordPath = stack.RecordFile,
            WorkloadStarted = w => started.TrySetResult(w),
            Workload = workload,
        };
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var localStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var local = LocalMode.RunAsync(options, output, output, localStop.Token);
        if (await Task.WhenAny(started.Task, local) == local)
        {
            return (new PhaseResult("tuning", DateTimeOffset.UtcNow, [], [], [], string.Empty), await local);
        }

        var tuned = await started.Task;
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var targets = new LoopbackTargets([]);
        var follow = new ReplicaFollower(() => tuned.ApiUrls, targets, http).RunAsync(phase.Token);
        using (var ready = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            ready.CancelAfter(TimeSpan.FromMinutes(2));
            while (targets.Current.Count == 0)
            {
                await Task.Delay(100, ready.Token);
            }
        }

        var seconds = new List<IntervalReport>();
        var steps = new List<IntervalReport>();
        var options2 = new LoadOptions
        {
            // One step per window, and more than local mode needs: the load stops when local mode does.
            Plan = new LoadPlan(scenario.TuningLoad(window)),
            Mix = new UserRequestMix(scenario.Users, scenario.PutShare),
            ApiKey = stack.ApiKey,
            OnSecond = seconds.Add,
            OnStep = step =>
            {
                steps.Add(step);
                output.WriteLine(ProgressLines.Step("client", step, null, objectiveMs));
            },
        };
        var startedAt = DateTimeOffset.UtcNow;
        var load = new LoadGenerator(options2, targets).RunAsync(phase.Token);
        var watch = stopWhen is null ? Task.CompletedTask : WatchAsync(stopWhen, localStop, phase.Token);
        try
        {
            var exitCode = await local;
            return (new PhaseResult("tuning", startedAt, steps, seconds, steps.Select(_ => (Autotune.Engine.Metrics.Windows.ObservedWindow?)null).ToList(), string.Empty), exitCode);
        }
        finally
        {
            await phase.CancelAsync();
            await Task.WhenAll(follow, load, watch).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task WatchAsync(Func<LocalRecord, bool> stopWhen, CancellationTokenSource localStop, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            LocalRecord record;
            try
            {
                record = LocalRecord.Read(stack.RecordFile);
            }
            catch (System.Text.Json.JsonException)
            {
                continue; // a line being written; read it next second
            }

            if (stopWhen(record))
            {
                await localStop.CancelAsync();
                return;
            }
        }
    }
}
