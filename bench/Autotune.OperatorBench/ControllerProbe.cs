using System.Collections.Concurrent;
using Autotune.Operator.Kubernetes.Controller;

namespace Autotune.OperatorBench;

/// <summary>Counts one controller's passes per ApiTuning and keeps every reconcile duration.</summary>
public sealed class ControllerProbe
{
    private readonly ApiTuningController _controller;
    private readonly int _expected;
    private readonly ConcurrentDictionary<string, int> _passes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _results = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<(DateTime End, double Ms)> _durations = [];
    private readonly RuntimePauses _pauses = new();

    /// <summary>Watches <paramref name="controller"/>, which should come to tune <paramref name="expected"/> ApiTunings.</summary>
    public ControllerProbe(ApiTuningController controller, int expected)
    {
        _controller = controller ?? throw new ArgumentNullException(nameof(controller));
        _expected = expected;
        controller.Timed += OnTimed;
    }

    /// <summary>The timing of the controller's requests to the API server, when known.</summary>
    public ApiTiming? Api { get; init; }

    /// <summary>The numbers now.</summary>
    public ProbeStats Snapshot()
    {
        (DateTime End, double Ms)[] passes;
        lock (_gate)
        {
            passes = [.. _durations];
        }

        double[] sorted = [.. passes.Select(p => p.Ms)];
        Array.Sort(sorted);
        var min = _passes.Count < _expected ? 0 : _passes.Values.DefaultIfEmpty(0).Min();
        return new ProbeStats(
            _passes.Count,
            min,
            _passes.Values.Sum(v => (long)v),
            new Dictionary<string, long>(_results, StringComparer.Ordinal),
            sorted.Length,
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.99),
            sorted.Length == 0 ? 0 : sorted[^1],
            GC.GetTotalMemory(forceFullCollection: false),
            Environment.WorkingSet,
            _controller.StatusWrites,
            _controller.Informers.PodLists)
        {
            Runtime = RuntimeStats.Of(passes, Percentile(sorted, 0.99), _pauses.Snapshot(), Api?.Sorted() ?? []),
        };
    }

    private void OnTimed(string key, string result, TimeSpan duration)
    {
        _results.AddOrUpdate(result, 1, (_, n) => n + 1);
        if (result is ReconcileResult.Started or ReconcileResult.Deleted)
        {
            return;
        }

        _passes.AddOrUpdate(key, 1, (_, n) => n + 1);
        lock (_gate)
        {
            _durations.Add((DateTime.UtcNow, duration.TotalMilliseconds));
        }
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
