using Autotune.Engine.Resource.Spec;

namespace Autotune.Simulation.Control;

/// <summary>
/// The CPU-only baseline, a HorizontalPodAutoscaler with its defaults: 70% CPU target, 15 s sync, tolerance 0.1,
/// scale-up by at most max(100%, 4 pods) per 15 s, scale-down to the highest recommendation of the last 300 s.
/// Replicas only, within the replica budget.
/// </summary>
public sealed class CpuAutoscalerController : IController
{
    private const double Target = 0.70;
    private const double Tolerance = 0.1;
    private const double StabilizationSeconds = 300;
    private const double MetricsDelaySeconds = 30;
    private readonly Dictionary<int, List<(double Time, int Replicas)>> _recommendations = [];

    /// <inheritdoc />
    public string Name => "CPU autoscaler (HPA 70%)";

    /// <inheritdoc />
    public double PeriodSeconds => 15;

    /// <inheritdoc />
    public bool ReadsScrapes => false;

    /// <inheritdoc />
    public IReadOnlyList<KnobChange> Control(ControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var changes = new List<KnobChange>();
        if (context.Now < MetricsDelaySeconds)
        {
            // metrics-server has no CPU sample for the first resolution window; the HPA does nothing without one.
            return changes;
        }

        for (var i = 0; i < context.Cluster.Apis.Count; i++)
        {
            var api = context.Cluster.Apis[i];
            var budget = context.Scenario.Specs[i].Knobs.Replicas ?? new Engine.Resource.Spec.KnobBudget { Min = 1, Max = 1000 };
            var ready = api.ReadyPods(context.Now).ToList();
            if (ready.Count == 0)
            {
                continue;
            }

            var utilization = ready.Average(p => p.CpuUtilization);
            var current = api.Replicas;
            var ratio = utilization / Target;
            var desired = Math.Abs(ratio - 1) <= Tolerance ? current : (int)Math.Ceiling(ready.Count * ratio);
            desired = Math.Clamp(desired, budget.Min, budget.Max);

            var history = _recommendations.TryGetValue(i, out var h) ? h : _recommendations[i] = [];
            history.Add((context.Now, desired));
            history.RemoveAll(r => r.Time < context.Now - StabilizationSeconds);
            var next = desired;
            if (desired < current)
            {
                next = Math.Min(current, history.Max(r => r.Replicas));
            }
            else if (desired > current)
            {
                next = Math.Min(desired, Math.Max(current * 2, current + 4));
            }

            if (next != current)
            {
                changes.Add(new KnobChange(i, Knob.Replicas, next, $"CPU {utilization:P0} vs target 70%"));
            }
        }

        return changes;
    }
}
