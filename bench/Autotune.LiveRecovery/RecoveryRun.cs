using System.Globalization;
using Autotune.Contracts;
using Autotune.Load;
using Autotune.Testing;

namespace Autotune.LiveRecovery;

/// <summary>
/// One run: a fresh API process at the demo's mis-tuned settings, warmed at a low rate, then the full rate for the
/// collapse; the tuning file is written with sufficient settings (as the operator would) while the load goes on, and
/// the load continues; the agent is scraped every second throughout.
/// </summary>
public sealed class RecoveryRun(RecoveryStack stack, RecoveryOptions options, IReadOnlyList<string> command, string contentRoot, TextWriter output)
{
    private static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(1);
    private bool _shedWithFix;

    /// <summary>
    /// Runs with shedding on from the start (the process's environment) or off, the settings written as
    /// <paramref name="fix"/> says; <paramref name="shedWithFix"/> turns shedding on in the same tuning file as the fix.
    /// </summary>
    public async Task<RecoveryResult> RunAsync(string name, bool shedding, Fix fix, CancellationToken cancellationToken, bool shedWithFix = false)
    {
        var tuningFile = Path.Combine(stack.WorkDirectory, $"tuning-{Guid.NewGuid():N}.json");
        _shedWithFix = shedWithFix;
        if (fix == Fix.FromStart)
        {
            await WriteAsync(tuningFile, cancellationToken);
        }

        var environment = stack.ApiEnvironment(options, tuningFile, FreePort.Next(), shedding ? options.Objective : null, contentRoot);
        var port = FreePort.Next();
        await using var api = await ApiProcess.StartAsync(command, environment, port, int.Parse(environment[AgentEnvironment.MetricsPort], CultureInfo.InvariantCulture), cancellationToken);
        var targets = new LoopbackTargets([api.BaseUri]);

        // JIT, connections and the pool's first opens, at a rate the starting settings hold.
        await new LoadGenerator(
            new LoadOptions { Plan = new LoadPlan([new LoadStep(25, TimeSpan.FromSeconds(10), "warm-up")]), Mix = new UserRequestMix(options.Users, 0.1), ApiKey = stack.ApiKey },
            targets).RunAsync(cancellationToken);

        var server = new List<ServerSample>();
        double? writtenAt = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var origin = DateTimeOffset.UtcNow;
        var scrape = ScrapeAsync(api, () => (DateTimeOffset.UtcNow - origin).TotalSeconds, server, stop.Token);
        var write = fix == Fix.Live ? WriteAfterAsync(tuningFile, origin + options.Collapse, stop.Token) : Task.FromResult<DateTimeOffset?>(null);

        var load = new LoadOptions
        {
            Plan = new LoadPlan([new LoadStep(options.Rate, options.Collapse, "collapse"), new LoadStep(options.Rate, options.Recover, "recover")]),
            Mix = new UserRequestMix(options.Users, 0.1),
            ApiKey = stack.ApiKey,
            OnSecond = s => output.WriteLine(Line(name, s)),
        };
        LoadResult result;
        try
        {
            result = await new LoadGenerator(load, targets).RunAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await scrape.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (await write is { } wroteAt)
        {
            writtenAt = (wroteAt - result.StartedAt).TotalSeconds;
        }
        else if (fix == Fix.FromStart)
        {
            writtenAt = 0;
        }

        // Scrape times were taken from this run's clock; move them onto the generator's.
        var shift = (result.StartedAt - origin).TotalSeconds;
        var samples = server.Select(s => s with { At = s.At - shift }).ToList();
        var applied = samples.FirstOrDefault(s => s.Generation >= 1)?.At;
        return new RecoveryResult(name, result.Seconds, writtenAt, applied, samples, options);
    }

    private async Task<DateTimeOffset?> WriteAfterAsync(string path, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var wait = at - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }

        await WriteAsync(path, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        await output.WriteLineAsync($"live-recovery: wrote the tuning file: min threads {options.FixedMinThreads}, pool {options.FixedPoolSize}{(_shedWithFix ? $", shedding after {options.Objective.TotalMilliseconds:0} ms" : "")} (no restart)");
        return now;
    }

    // Atomically, as a ConfigMap update lands: the agent never reads a half-written file.
    private async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var file = new TuningFile(
            1, options.FixedMinThreads, options.FixedPoolSize, ShedAfterMilliseconds: _shedWithFix ? (int)options.Objective.TotalMilliseconds : null);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, file.ToJson(), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task ScrapeAsync(ApiProcess api, Func<double> clock, List<ServerSample> samples, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ScrapeInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var at = clock();
            if (await api.ScrapeAsync(cancellationToken) is { } text)
            {
                samples.Add(ServerSample.Parse(at, text));
            }
        }
    }

    private static string Line(string name, IntervalReport s) => string.Create(
        CultureInfo.InvariantCulture,
        $"{name,-24} t={s.Start.TotalSeconds,4:0} offered {s.Offered,4} ok {s.Succeeded,4}  p99 {s.P99Ms,7:0} ms  errors {string.Join(", ", s.Errors.Select(e => $"{e.Key} {e.Value}"))}");
}

/// <summary>When the sufficient settings are written.</summary>
public enum Fix
{
    /// <summary>While the load runs, after the collapse, without a restart (what the benchmark measures).</summary>
    Live,

    /// <summary>Never: does shedding alone bring the service back?</summary>
    Never,

    /// <summary>Before the process starts: the control that shows the settings suffice for a fresh process.</summary>
    FromStart,
}
