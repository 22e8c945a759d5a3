using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// Runs a long-running loop that must not die quietly (a worker of the queue, say): an exception that escapes it is
/// logged as an error, reported to <c>failed</c> (a counter), and the loop is started again after a capped, jittered
/// backoff that starts over once the loop has run for a minute; <see cref="IsUp"/> is false meanwhile. The loop
/// returning, or cancellation, ends the supervision.
/// </summary>
/// <param name="name">The loop, for logs and the counter's label (worker, controller).</param>
/// <param name="backoff">The waits between restarts.</param>
/// <param name="time">The clock of the waits.</param>
/// <param name="failed">Told the loop's name and the exception at each failure.</param>
/// <param name="logger">The log.</param>
public sealed partial class SupervisedLoop(string name, Backoff backoff, TimeProvider time, Action<string, Exception> failed, ILogger logger)
{
    private static readonly TimeSpan Healthy = TimeSpan.FromMinutes(1);
    private volatile bool _up = true;
    private int _failures;

    /// <summary>The loop's name.</summary>
    public string Name => name;

    /// <summary>False from a failure until the loop has been started again.</summary>
    public bool IsUp => _up;

    /// <summary>How many times the loop failed.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Runs <paramref name="loop"/> until it returns or <paramref name="cancellationToken"/> is cancelled, restarting it after each failure.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> loop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loop);
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                _up = true;
                await loop(cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Supervision: whatever failed, the loop must come back.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _up = false;
                Interlocked.Increment(ref _failures);
                if (time.GetElapsedTime(started) >= Healthy)
                {
                    backoff.Reset();
                }

                var delay = backoff.Next();
                LogFailed(logger, ex, name, delay.TotalMilliseconds);
                try
                {
                    failed(name, ex);
                }
#pragma warning disable CA1031 // A failing observer must not stop the supervision.
                catch (Exception observer)
#pragma warning restore CA1031
                {
                    LogObserverFailed(logger, observer, name);
                }

                try
                {
                    await Task.Delay(delay, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Loop} loop failed; starting it again in {DelayMs:F0} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, string loop, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "An observer of the failures of the {Loop} loop threw")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string loop);
}
