using Autotune.Engine.Resource.Spec;

namespace Autotune.Simulation.Control;

/// <summary>A baseline that never changes anything after setting optional fixed values at the start (static defaults, and the optimum search's candidates).</summary>
public sealed class StaticController : IController
{
    private readonly IReadOnlyList<(Knob Knob, int Value)> _initial;
    private bool _applied;

    /// <summary>A static controller that applies <paramref name="initial"/> to every API at time 0.</summary>
    public StaticController(string name, IReadOnlyList<(Knob Knob, int Value)>? initial = null)
    {
        Name = name;
        _initial = initial ?? [];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public double PeriodSeconds => 3600;

    /// <inheritdoc />
    public bool ReadsScrapes => false;

    /// <inheritdoc />
    public IReadOnlyList<KnobChange> Control(ControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_applied)
        {
            return [];
        }

        _applied = true;

        // Raise max_connections before the pools grow, lower it after they shrink (the order the budget needs).
        var current = context.Cluster.Database.MaxConnections;
        var ordered = _initial.OrderBy(k => k.Knob != Engine.Resource.Spec.Knob.PostgresMaxConnections ? 1 : k.Value >= current ? 0 : 2);
        return [.. ordered.SelectMany(k => Enumerable.Range(0, context.Cluster.Apis.Count)
            .Where(i => k.Knob != Engine.Resource.Spec.Knob.PostgresMaxConnections || i == 0)
            .Select(i => new KnobChange(i, k.Knob, k.Value, "static setting")))];
    }
}
