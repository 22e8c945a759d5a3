using System.Diagnostics;

namespace Autotune.Load;

/// <summary>
/// Emits each second's and each step's report once every request intended in it has finished, in order, and
/// samples the process's CPU at every second boundary for the generator's own health.
/// </summary>
internal sealed class RunReporter(LoadRun run, LoadOptions options)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly long Grace = Ticks.From(TimeSpan.FromMilliseconds(50));
    private readonly List<CpuClock> _cpuAtSecond = [];
    private readonly List<IntervalReport> _seconds = [];
    private readonly List<IntervalReport> _steps = [];

    /// <summary>Reports until every step and second of the plan is reported.</summary>
    public async Task<LoadResult> RunAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var timeline = run.Timeline;
        while (_seconds.Count < timeline.Seconds.Count || _steps.Count < timeline.Steps.Count)
        {
            var now = Stopwatch.GetTimestamp() - run.Origin;
            while (now >= _cpuAtSecond.Count * (long)Ticks.PerSecond && _cpuAtSecond.Count <= timeline.Seconds.Count)
            {
                _cpuAtSecond.Add(CpuClock.Now());
            }

            while (_seconds.Count < timeline.Seconds.Count && Ready(timeline.Seconds[_seconds.Count], now) && _cpuAtSecond.Count > _seconds.Count + 1)
            {
                var index = _seconds.Count;
                var report = timeline.Seconds[index].Report(_cpuAtSecond[index + 1].CoresSince(_cpuAtSecond[index]), completedHere: true, release: true);
                _seconds.Add(report);
                options.OnSecond?.Invoke(report);
            }

            while (_steps.Count < timeline.Steps.Count && Ready(timeline.Steps[_steps.Count], now))
            {
                var step = timeline.Steps[_steps.Count];
                var report = step.Report(StepCpu(step), completedHere: false, release: true);
                _steps.Add(report);
                options.OnStep?.Invoke(report);
            }

            await Task.Delay(Poll, cancellationToken);
        }

        return new LoadResult(_steps, _seconds, startedAt);
    }

    private bool Ready(IntervalStats interval, long now) =>
        now >= interval.EndTicks + Grace && run.ScheduledThrough >= interval.EndTicks && interval.Pending == 0;

    // The CPU samples at the second boundaries inside the step.
    private double StepCpu(IntervalStats step)
    {
        var first = (int)Math.Ceiling(step.StartTicks / Ticks.PerSecond);
        var last = Math.Min((int)Math.Floor(step.EndTicks / Ticks.PerSecond), _cpuAtSecond.Count - 1);
        return last > first ? _cpuAtSecond[last].CoresSince(_cpuAtSecond[first]) : double.NaN;
    }
}
