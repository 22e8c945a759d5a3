using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Model;

/// <summary>The value of every knob. Null: unknown, or not managed.</summary>
public sealed record Settings(
    int? Replicas,
    int? ThreadPoolMinThreads,
    int? DbMaxPoolSize,
    int? PostgresMaxConnections)
{
    /// <summary>The value of one knob.</summary>
    public int? Get(Knob knob) => knob switch
    {
        Knob.Replicas => Replicas,
        Knob.ThreadPoolMinThreads => ThreadPoolMinThreads,
        Knob.DbMaxPoolSize => DbMaxPoolSize,
        Knob.PostgresMaxConnections => PostgresMaxConnections,
        _ => throw new ArgumentOutOfRangeException(nameof(knob), knob, null),
    };

    /// <summary>A copy with one knob changed.</summary>
    public Settings With(Knob knob, int value) => knob switch
    {
        Knob.Replicas => this with { Replicas = value },
        Knob.ThreadPoolMinThreads => this with { ThreadPoolMinThreads = value },
        Knob.DbMaxPoolSize => this with { DbMaxPoolSize = value },
        Knob.PostgresMaxConnections => this with { PostgresMaxConnections = value },
        _ => throw new ArgumentOutOfRangeException(nameof(knob), knob, null),
    };
}
