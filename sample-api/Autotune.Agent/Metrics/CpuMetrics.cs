using System.Diagnostics;
using System.Diagnostics.Metrics;
using Autotune.Contracts;

namespace Autotune.Agent.Metrics;

/// <summary>
/// CPU beyond the process: the machine's CPU time by mode (<c>/proc/stat</c>: its idle share and steal) and the
/// cgroup's usage, throttling and limit. Starvation is work queued while CPU has room on the machine or in the
/// cgroup; the process's own CPU time cannot tell that, and a throttled container looks idle from inside.
/// Read when collected (on the metrics thread); where a file does not exist its series are not exported.
/// </summary>
internal sealed class CpuMetrics : IDisposable
{
    private static readonly TimeSpan SampleReuse = TimeSpan.FromMilliseconds(250);
    private readonly Meter _meter;
    private readonly CgroupCpu? _cgroup;
    private readonly Lock _gate = new();
    private CgroupCpuSample? _sample;
    private long _sampledAt;

    public CpuMetrics()
        : this(CgroupCpu.Locate(), SystemCpuTimes.Read() is not null)
    {
    }

    internal CpuMetrics(CgroupCpu? cgroup, bool machine)
    {
        _cgroup = cgroup;
        _meter = new Meter(MetricNames.AgentMeter);
        if (machine)
        {
            _meter.CreateObservableCounter(
                MetricNames.SystemCpuTime.Instrument, MachineTimes, "s", "CPU seconds of the whole machine by mode.");
        }

        if (cgroup is null)
        {
            return;
        }

        _meter.CreateObservableCounter(
            MetricNames.CgroupCpuTime.Instrument, () => Measure(s => s.UsageSeconds), "s", "CPU seconds used by every task of the cgroup.");
        _meter.CreateObservableCounter(
            MetricNames.CgroupCpuPeriods.Instrument, () => Measure(s => s.Periods), "{period}", "CFS periods of the cgroup with runnable tasks.");
        _meter.CreateObservableCounter(
            MetricNames.CgroupCpuThrottledPeriods.Instrument, () => Measure(s => s.ThrottledPeriods), "{period}", "CFS periods in which the cgroup's CPU quota ran out.");
        _meter.CreateObservableCounter(
            MetricNames.CgroupCpuThrottledTime.Instrument, () => Measure(s => s.ThrottledSeconds), "s", "Seconds the cgroup's tasks were held back by its CPU quota.");
        _meter.CreateObservableGauge(
            MetricNames.CgroupCpuLimit.Instrument, () => Measure(s => s.LimitCores), "{cpu}", "The cgroup's CPU limit in cores (0: none).");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<double>> MachineTimes()
    {
        if (SystemCpuTimes.Read() is not { } t)
        {
            return [];
        }

        return
        [
            Mode(t.User, "user"), Mode(t.Nice, "nice"), Mode(t.System, "system"), Mode(t.Idle, MetricLabels.CpuModeIdle),
            Mode(t.IoWait, "iowait"), Mode(t.Interrupt, "interrupt"), Mode(t.Steal, MetricLabels.CpuModeSteal),
        ];

        static Measurement<double> Mode(double seconds, string mode) =>
            new(seconds, new KeyValuePair<string, object?>(OpenTelemetryLabels.CpuMode, mode));
    }

    // Five instruments read the same files in one collection: one read serves them all.
    private IEnumerable<Measurement<double>> Measure(Func<CgroupCpuSample, double?> value)
    {
        CgroupCpuSample? sample;
        lock (_gate)
        {
            if (_sampledAt == 0 || Stopwatch.GetElapsedTime(_sampledAt) > SampleReuse)
            {
                _sample = _cgroup!.Read();
                _sampledAt = Stopwatch.GetTimestamp();
            }

            sample = _sample;
        }

        return sample is not null && value(sample) is { } v ? [new Measurement<double>(v)] : [];
    }
}
