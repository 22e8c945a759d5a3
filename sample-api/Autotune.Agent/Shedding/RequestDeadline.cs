using System.Diagnostics;
using System.Globalization;

namespace Autotune.Agent.Shedding;

/// <summary>
/// The deadline of the request running on this flow, set by the shedding middleware for a request it let through and
/// carried by the execution context into its awaits. A request let through in time can still pass its deadline inside
/// the app (its continuations wait in the same starved queue); the tuned data source then fails it before it waits
/// for, or holds, a pooled connection.
/// </summary>
internal sealed class RequestDeadline(long arrivedAt, TimeSpan deadline, SheddingMetrics metrics)
{
    private static readonly AsyncLocal<RequestDeadline?> Flow = new();
    private readonly TimeSpan _deadline = deadline;
    private readonly SheddingMetrics _metrics = metrics;

    /// <summary>The request on this flow, or null outside a request the middleware let through.</summary>
    public static RequestDeadline? Current
    {
        get => Flow.Value;
        set => Flow.Value = value;
    }

    /// <summary>How long ago the request arrived, as well as the queue-delay estimate allows.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(arrivedAt);

    /// <summary>Throws <see cref="RequestDeadlineExceededException"/> when the request on this flow is past its deadline.</summary>
    public static void ThrowIfPast()
    {
        if (Flow.Value is { } request && request.Age is var age && age > request._deadline)
        {
            request._metrics.RecordExpired();
            throw new RequestDeadlineExceededException(string.Create(
                CultureInfo.InvariantCulture,
                $"the request is {age.TotalMilliseconds:0} ms old, past its {request._deadline.TotalMilliseconds:0} ms deadline: no pooled connection is taken for it"));
        }
    }
}
