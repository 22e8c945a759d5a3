namespace Autotune.Simulation.Control;

/// <summary>Something that tunes a simulated deployment: the engine, or a baseline it is compared with.</summary>
public interface IController
{
    /// <summary>Name in the results.</summary>
    string Name { get; }

    /// <summary>Seconds between calls (the first call is at time 0).</summary>
    double PeriodSeconds { get; }

    /// <summary>True when the controller reads the pods' Prometheus text (rendering it costs time).</summary>
    bool ReadsScrapes { get; }

    /// <summary>The changes to make now (possibly none).</summary>
    IReadOnlyList<KnobChange> Control(ControlContext context);
}
