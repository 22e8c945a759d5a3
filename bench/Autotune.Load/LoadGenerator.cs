namespace Autotune.Load;

/// <summary>
/// An open-loop HTTP load generator for loopback targets: each step offers a constant arrival rate whatever the
/// server answers, latency is measured from each request's intended send time and recorded with HdrHistogram, and
/// the run ends by itself when the plan is done. It reports every second and every step, with its own CPU and send
/// lag so a late generator cannot pass for a slow server.
/// </summary>
public sealed class LoadGenerator(LoadOptions options, LoopbackTargets targets)
{
    /// <summary>Runs the plan and waits for the last answers; cancelling stops sending and abandons requests in flight.</summary>
    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(targets);
        using var sender = new RequestSender(options.ApiKey, options.RequestTimeout, options.MaxConnectionsPerTarget);
        var run = new LoadRun(options, targets, sender, cancellationToken);
        run.Start();
        var startedAt = DateTimeOffset.UtcNow + run.UntilOrigin;
        try
        {
            var result = await new RunReporter(run, options).RunAsync(startedAt, cancellationToken);
            await run.Drained;
            return result;
        }
        finally
        {
            // Let every request end (cancelled ones end at once) before the client under them is disposed.
            await run.Drained.WaitAsync(options.RequestTimeout + TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
