using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions;

/// <summary>How messages name the knobs.</summary>
internal static class Label
{
    /// <summary>"Npgsql pool", "minimum threads", "replicas", "max_connections".</summary>
    public static string Of(Knob knob) => knob switch
    {
        Knob.Replicas => "replicas",
        Knob.ThreadPoolMinThreads => "minimum threads",
        Knob.DbMaxPoolSize => "Npgsql pool",
        Knob.PostgresMaxConnections => "max_connections",
        _ => knob.ToString(),
    };
}
