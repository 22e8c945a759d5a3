using System.Diagnostics;

namespace Autotune.Load;

/// <summary>
/// One run of the plan. A dedicated thread walks the schedule and sends each request at its intended time without
/// waiting for earlier answers (open loop); each request's latency is measured from its intended time, so a slow
/// server cannot hide its queue by slowing the sender (no coordinated omission).
/// </summary>
internal sealed class LoadRun(LoadOptions options, LoopbackTargets targets, RequestSender sender, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Random _random = new(options.Seed);
    private long _inFlight = 1; // the scheduler holds one until it is done, so the count reaches 0 only after it
    private long _scheduledThrough = -1;

    public Timeline Timeline { get; } = new(options.Plan);

    /// <summary>The monotonic timestamp of the run's origin (the first intended send).</summary>
    public long Origin { get; private set; }

    /// <summary>Every request intended before this (ticks from the origin) has been sent or given up.</summary>
    public long ScheduledThrough => Volatile.Read(ref _scheduledThrough);

    /// <summary>Completes when the schedule is done and every request has finished (or the run was cancelled).</summary>
    public Task Drained => _drained.Task;

    /// <summary>How long after <see cref="Start"/> the first request is intended.</summary>
    public TimeSpan UntilOrigin { get; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Starts the scheduler thread; the first request is intended <see cref="UntilOrigin"/> from now.</summary>
    public void Start()
    {
        Origin = Stopwatch.GetTimestamp() + Ticks.From(UntilOrigin);
        var thread = new Thread(Schedule) { IsBackground = true, Name = "load schedule" };
        thread.Start();
    }

    private void Schedule()
    {
        try
        {
            foreach (var step in Timeline.Steps)
            {
                var count = options.Plan.Steps[step.Index].Requests;
                var length = step.EndTicks - step.StartTicks;
                for (long i = 0; i < count; i++)
                {
                    var intended = step.StartTicks + (long)(i * (double)length / count);
                    Volatile.Write(ref _scheduledThrough, intended);
                    if (!WaitUntil(Origin + intended))
                    {
                        return;
                    }

                    Dispatch(intended, step);
                }
            }

            Volatile.Write(ref _scheduledThrough, long.MaxValue);
        }
        finally
        {
            Release();
        }
    }

    // Sleep, never spin: on a shared machine a spinning sender steals the CPU the server needs. The lag this costs
    // (about a millisecond) is measured and reported.
    private bool WaitUntil(long timestamp)
    {
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            var remainingMs = (timestamp - Stopwatch.GetTimestamp()) * 1000.0 / Ticks.PerSecond;
            if (remainingMs <= 0)
            {
                return true;
            }

            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Clamp(Math.Floor(remainingMs), 1, 100)));
        }
    }

    private void Dispatch(long intended, IntervalStats step)
    {
        var lag = Stopwatch.GetTimestamp() - Origin - intended;
        var second = Timeline.SecondAt(intended);
        step.Offer(lag);
        second?.Offer(lag);
        var target = targets.Next();
        if (target is null)
        {
            Finish(step, second, null, ErrorKinds.NoTarget);
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > options.MaxInFlight + 1)
        {
            Release();
            Finish(step, second, null, ErrorKinds.InFlightLimit);
            return;
        }

        _ = SendAsync(options.Mix.Create(target, _random), intended, step, second);
    }

    private async Task SendAsync(HttpRequestMessage request, long intended, IntervalStats step, IntervalStats? second)
    {
        try
        {
            var (error, reached) = await sender.SendAsync(request, cancellationToken);
            var end = Stopwatch.GetTimestamp() - Origin;
            Finish(step, second, reached ? end - intended : null, error);
            if (error is null)
            {
                Timeline.SecondAt(end)?.CompletedDuring();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run was stopped; its reports are not emitted.
        }
        catch (Exception e)
        {
            // Counted, never lost: every request must finish, or its interval would never be reported.
            Finish(step, second, null, "error: " + e.GetType().Name);
        }
        finally
        {
            request.Dispose();
            Release();
        }
    }

    private static void Finish(IntervalStats step, IntervalStats? second, long? latency, string? error)
    {
        step.Finish(latency, error);
        second?.Finish(latency, error);
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
