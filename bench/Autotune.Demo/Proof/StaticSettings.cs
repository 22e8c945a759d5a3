using System.Globalization;

namespace Autotune.Demo.Proof;

/// <summary>One static configuration of the knobs the proof compares: minimum threads, pool size per replica, max_connections.</summary>
/// <param name="MinThreads">Thread-pool minimum threads, or null for the runtime's default (the core count).</param>
/// <param name="Pool">Npgsql Maximum Pool Size per replica.</param>
/// <param name="MaxConnections">PostgreSQL max_connections.</param>
public sealed record StaticSettings(int? MinThreads, int Pool, int MaxConnections)
{
    /// <summary>The settings as text, e.g. "min threads 64, pool 40, max_connections 100".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"min threads {(MinThreads is { } t ? t.ToString(CultureInfo.InvariantCulture) : "default")}, pool {Pool}, max_connections {MaxConnections}");

    /// <summary>
    /// Orders configurations by what they cost (max_connections, then pool, then threads; the runtime default counts as
    /// the fewest threads), so that among equally good settings the cheapest is the one reported.
    /// </summary>
    public static int CompareCost(StaticSettings a, StaticSettings b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var byConnections = a.MaxConnections.CompareTo(b.MaxConnections);
        if (byConnections != 0)
        {
            return byConnections;
        }

        var byPool = a.Pool.CompareTo(b.Pool);
        return byPool != 0 ? byPool : (a.MinThreads ?? 0).CompareTo(b.MinThreads ?? 0);
    }
}
