using Autotune.Load;
using Autotune.Operator.Local;

namespace Autotune.Demo;

/// <summary>
/// A ramp at frozen settings, with no operator running: the replicas are started with the tuning file as it is
/// (none: the starting settings; after tuning: the settings reached), driven through the ramp, and stopped.
/// </summary>
/// <remarks>The requests are the scenario's user mix unless <paramref name="mix"/> says otherwise; <paramref name="maxConnectionsPerTarget"/> caps the generator's connections to each replica.</remarks>
public sealed class StaticPhase(DemoStack stack, DemoScenario scenario, IReadOnlyList<string> command, DemoPorts ports, double objectiveMs, TextWriter output, IRequestMix? mix = null, int maxConnectionsPerTarget = int.MaxValue)
{
    /// <summary>
    /// Runs the ramp against <paramref name="replicas"/> replicas; with <paramref name="stopAfterMisses"/>, the ramp
    /// ends early once that many steps in a row missed the objective (the steps after them are not run);
    /// <paramref name="afterRamp"/>, when given, runs with the replicas' URLs after the ramp, before they are stopped.
    /// </summary>
    public async Task<PhaseResult> RunAsync(string name, int replicas, string settings, CancellationToken cancellationToken, int? stopAfterMisses = null, Func<IReadOnlyList<Uri>, Task>? afterRamp = null)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        await using var workload = new ProcessWorkload(command, stack.ApiEnvironment, stack.TuningFile, ports.Api, ports.Metrics, http);
        await workload.ScaleAsync(replicas, cancellationToken);
        return await RunOnAsync(name, workload, settings, cancellationToken, stopAfterMisses, afterRamp);
    }

    /// <summary>
    /// Runs the ramp against processes already serving (those local mode tuned, still live), at the replicas they
    /// run now; they are left running.
    /// </summary>
    public async Task<PhaseResult> RunOnAsync(string name, ProcessWorkload workload, string settings, CancellationToken cancellationToken, int? stopAfterMisses = null, Func<IReadOnlyList<Uri>, Task>? afterRamp = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var replicas = workload.ApiUrls.Count;
        var targets = new LoopbackTargets([]);
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var follow = new ReplicaFollower(() => workload.ApiUrls, targets, http).RunAsync(phase.Token);
        var scraper = new ServerScraper(http, workload, objectiveMs);
        var scrape = scraper.RunAsync(phase.Token);
        await WaitForTargetsAsync(targets, replicas, cancellationToken);
        await output.WriteLineAsync($"demo: {name}: {replicas} replica(s) at {settings}; ramp {scenario.RampRates[0]:0} -> {scenario.RampRates[^1]:0} req/s in {scenario.RampRates.Count} steps of {scenario.RampStep.TotalSeconds:0} s{(stopAfterMisses is { } m ? $", until {m} step(s) in a row miss" : string.Empty)}");

        var windows = new List<Autotune.Engine.Metrics.Windows.ObservedWindow?>();
        var steps = new List<IntervalReport>();
        var seconds = new List<IntervalReport>();
        var misses = 0;
        using var ramp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var startedAt = DateTimeOffset.UtcNow; // within milliseconds of the generator's own start; scrapes are seconds apart
        var options = new LoadOptions
        {
            Plan = new LoadPlan(scenario.Ramp(name)),
            Mix = mix ?? new UserRequestMix(scenario.Users, scenario.PutShare),
            MaxConnectionsPerTarget = maxConnectionsPerTarget,
            ApiKey = stack.ApiKey,
            OnSecond = seconds.Add,
            OnStep = step =>
            {
                if (DemoScenario.Unjudged(step))
                {
                    return;
                }

                var server = scraper.Window(startedAt + step.Start, startedAt + step.Start + step.Length);
                windows.Add(server);
                steps.Add(step);
                output.WriteLine(ProgressLines.Step(name, step, server, objectiveMs));
                misses = step.Held(objectiveMs, maxSendLagMs: double.PositiveInfinity) ? 0 : misses + 1;
                if (misses >= stopAfterMisses)
                {
                    ramp.Cancel();
                }
            },
        };
        var generator = new LoadGenerator(options, targets);
        try
        {
            PhaseResult phaseResult;
            try
            {
                var result = await generator.RunAsync(ramp.Token);
                phaseResult = new PhaseResult(name, result.StartedAt, steps, result.Seconds, windows, settings);
            }
            catch (OperationCanceledException) when (ramp.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await output.WriteLineAsync($"demo: {name}: {misses} steps in a row missed; the rest of the ramp is skipped");
                phaseResult = new PhaseResult(name, startedAt, steps, seconds, windows, settings);
            }

            if (afterRamp is not null)
            {
                await afterRamp(workload.ApiUrls);
            }

            return phaseResult;
        }
        finally
        {
            await phase.CancelAsync();
            await Task.WhenAll(follow, scrape).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task WaitForTargetsAsync(LoopbackTargets targets, int replicas, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        while (targets.Current.Count < replicas)
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
