using System.Diagnostics.Tracing;

namespace Autotune.OperatorBench;

/// <summary>
/// Every time the runtime stopped this process's threads (a GC, or anything else that suspends them), from the
/// runtime's own events: when it began and ended, why, and the generation collected. A reconcile that overlaps one
/// waited for it.
/// </summary>
public sealed class RuntimePauses : EventListener
{
    private const int GcStart = 1, RestartEnd = 3, SuspendBegin = 9;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly Lock _gate = new();
    private readonly List<Pause> _pauses = [];
    private DateTime? _suspended;
    private int _suspendReason;
    private int _generation = -1;

    /// <summary>One stop of the process's threads.</summary>
    /// <param name="Start">When the suspension began (UTC).</param>
    /// <param name="End">When the threads ran again.</param>
    /// <param name="Reason">The runtime's suspend reason (1 = GC, 6 = GC prep, 7 = ReJIT/tiering...).</param>
    /// <param name="Generation">The generation collected, or -1 when it was no GC.</param>
    public readonly record struct Pause(DateTime Start, DateTime End, int Reason, int Generation)
    {
        /// <summary>Length, ms.</summary>
        public double Ms => (End - Start).TotalMilliseconds;

        /// <summary>How much of [from, to] this pause covered, ms.</summary>
        public double OverlapMs(DateTime from, DateTime to)
        {
            var start = Start > from ? Start : from;
            var end = End < to ? End : to;
            return end > start ? (end - start).TotalMilliseconds : 0;
        }
    }

    /// <summary>The pauses so far, in order.</summary>
    public Pause[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _pauses];
        }
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        lock (_gate)
        {
            switch (eventData.EventId)
            {
                case SuspendBegin:
                    _suspended = eventData.TimeStamp;
                    _suspendReason = Convert.ToInt32(Payload(eventData, "Reason") ?? 0, System.Globalization.CultureInfo.InvariantCulture);
                    _generation = -1;
                    break;
                case GcStart:
                    _generation = Convert.ToInt32(Payload(eventData, "Depth") ?? -1, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case RestartEnd when _suspended is { } start:
                    _pauses.Add(new Pause(start, eventData.TimeStamp, _suspendReason, _generation));
                    _suspended = null;
                    break;
                default:
                    break;
            }
        }
    }

    private static object? Payload(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames?.IndexOf(name) ?? -1;
        return index >= 0 && e.Payload is { } payload ? payload[index] : null;
    }
}
