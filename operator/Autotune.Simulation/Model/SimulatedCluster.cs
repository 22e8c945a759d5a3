namespace Autotune.Simulation.Model;

/// <summary>A deterministic world: one PostgreSQL server and the APIs that share it, advanced in fixed ticks from a seed.</summary>
public sealed class SimulatedCluster
{
    private readonly List<SimulatedApi> _apis = [];
    private long _ticks;

    /// <summary>A world of <paramref name="apis"/> on one database, seeded by <paramref name="seed"/>.</summary>
    public SimulatedCluster(DatabaseOptions database, IEnumerable<ApiOptions> apis, int seed, double tickSeconds = 0.1)
    {
        Database = new DatabaseServer(database);
        Random = new Random(seed);
        TickSeconds = tickSeconds;
        foreach (var api in apis)
        {
            _apis.Add(new SimulatedApi(api, Database));
        }
    }

    /// <summary>The shared database server.</summary>
    public DatabaseServer Database { get; }

    /// <summary>The APIs, in declaration order.</summary>
    public IReadOnlyList<SimulatedApi> Apis => _apis;

    /// <summary>The one source of randomness (arrivals, apply jitter, scrape noise).</summary>
    public Random Random { get; }

    /// <summary>Length of a tick in seconds (0.1: sub-second dynamics, an hour in well under a second).</summary>
    public double TickSeconds { get; }

    /// <summary>Simulated seconds since the start.</summary>
    public double Now => _ticks * TickSeconds;

    /// <summary>Advances the world by one tick.</summary>
    public void Step()
    {
        var now = Now;
        foreach (var api in _apis)
        {
            api.Step(now, TickSeconds, Random);
        }

        Database.EndTick();
        _ticks++;
    }

    /// <summary>Advances the world until <paramref name="seconds"/>.</summary>
    public void RunUntil(double seconds)
    {
        while (Now + (TickSeconds / 2) < seconds)
        {
            Step();
        }
    }
}
