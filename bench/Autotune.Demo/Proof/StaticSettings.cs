using System.Globalization;

namespace Autotune.Demo.Proof;

/// <summary>One static configuration of the knobs the proof compares: replicas, minimum threads, pool size per replica, max_connections.</summary>
/// <param name="MinThreads">Thread-pool minimum threads per replica, or null for the runtime's default (the core count).</param>
/// <param name="Pool">Npgsql Maximum Pool Size per replica.</param>
/// <param name="MaxConnections">PostgreSQL max_connections.</param>
/// <param name="Replicas">API processes.</param>
public sealed record StaticSettings(int? MinThreads, int Pool, int MaxConnections, int Replicas = 1)
{
    /// <summary>The connections the API may open: replicas x pool.</summary>
    public int Connections => Replicas * Pool;

    /// <summary>Minimum threads as text ("default" for the runtime's).</summary>
    public string Threads => MinThreads is { } t ? t.ToString(CultureInfo.InvariantCulture) : "default";

    /// <summary>The settings as text, e.g. "replicas 1, min threads 64, pool 40, max_connections 100".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"replicas {Replicas}, min threads {Threads}, pool {Pool}, max_connections {MaxConnections}");

    /// <summary>
    /// Orders configurations by what they cost: replicas (pods), then connections (replicas x pool), then
    /// max_connections (memory reserved on the database), then minimum threads (the runtime default counts as the
    /// fewest), so that among equally good settings the cheapest is the one reported.
    /// </summary>
    public static int CompareCost(StaticSettings a, StaticSettings b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var order = a.Replicas.CompareTo(b.Replicas);
        order = order != 0 ? order : a.Connections.CompareTo(b.Connections);
        order = order != 0 ? order : a.MaxConnections.CompareTo(b.MaxConnections);
        return order != 0 ? order : (a.MinThreads ?? 0).CompareTo(b.MinThreads ?? 0);
    }
}
