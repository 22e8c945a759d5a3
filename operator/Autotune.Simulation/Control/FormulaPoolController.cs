using Autotune.Engine.Resource.Spec;

namespace Autotune.Simulation.Control;

/// <summary>The fixed-formula baseline: pool = cores x 2 + 1 per pod (the HikariCP rule of thumb), set once, nothing else moved.</summary>
public sealed class FormulaPoolController : IController
{
    private bool _applied;

    /// <inheritdoc />
    public string Name => "formula pool";

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
        return [.. context.Cluster.Apis.Select((api, i) =>
            new KnobChange(i, Knob.DbMaxPoolSize, (api.Options.Pod.Cores * 2) + 1, "pool = cores x 2 + 1"))];
    }
}
