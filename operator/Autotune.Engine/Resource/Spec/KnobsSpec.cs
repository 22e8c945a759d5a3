namespace Autotune.Engine.Resource.Spec;

/// <summary>Budgets of the four knobs. A knob left out (null) is never changed.</summary>
public sealed record KnobsSpec
{
    /// <summary>Replicas of the target Deployment.</summary>
    [KnobLimits(1, 1000)]
    public KnobBudget? Replicas { get; init; }

    /// <summary>Thread-pool minimum worker threads per pod (the runtime caps worker threads at 32767).</summary>
    [KnobLimits(1, 32_767)]
    public KnobBudget? ThreadPoolMinThreads { get; init; }

    /// <summary>Npgsql Maximum Pool Size per pod.</summary>
    [KnobLimits(1, 10_000)]
    public KnobBudget? DbMaxPoolSize { get; init; }

    /// <summary>PostgreSQL max_connections of the database server (PostgreSQL accepts 1 to 262143).</summary>
    [KnobLimits(1, 262_143)]
    public KnobBudget? PostgresMaxConnections { get; init; }
}

/// <summary>The range a knob may move in, and whether it is moved or only advised.</summary>
public sealed record KnobBudget
{
    /// <summary>Smallest value the knob may take.</summary>
    public required int Min { get; init; }

    /// <summary>Largest value the knob may take.</summary>
    public required int Max { get; init; }

    /// <summary>Auto moves the knob; Recommend only advises it.</summary>
    public KnobMode Mode { get; init; } = KnobMode.Auto;
}

/// <summary>Per-knob mode.</summary>
public enum KnobMode
{
    /// <summary>The knob is moved.</summary>
    Auto,

    /// <summary>The knob is advised in status, not moved.</summary>
    Recommend,
}
