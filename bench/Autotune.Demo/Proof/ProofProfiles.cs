namespace Autotune.Demo.Proof;

/// <summary>
/// The proof's three load profiles. Each ramp is sized for the shared 2-core machine: it starts where the starting
/// settings hold and climbs past what they can serve, within what the machine can serve at the best settings.
/// </summary>
public static class ProofProfiles
{
    /// <summary>The ApiTuning local mode runs with in every profile (copied beside the program).</summary>
    public const string SpecFile = "proof-apituning.yaml";

    /// <summary>All three, in the order they run.</summary>
    public static IReadOnlyList<ProofProfile> All { get; } = [RemotePool(), Starvation(), MaxConnections()];

    /// <summary>(1) Thread starvation: reads on the blocking data path with the runtime's default minimum threads; pool and max_connections are ample.</summary>
    public static ProofProfile Starvation() => new()
    {
        Name = "starvation",
        Description = "Reads on the blocking data path (synchronous Npgsql on the request thread), 50 ms simulated round trip, the runtime's default minimum threads; pool 40 and max_connections 100 are ample. Threads limit.",
        Scenario = new DemoScenario
        {
            BlockingDataPath = true,
            RoundTripMilliseconds = 50,
            StartingPoolSize = 40,
            StartingMaxConnections = 100,
            RampRates = [25, 50, 100, 150, 200],
        },
        Starting = new StaticSettings(null, 40, 100),
        MinThreadsGrid = [null, 16, 64, 256],
        PoolGrid = [40],
        MaxConnectionsGrid = [100],
        GridReasons = "Only minimum threads matters here (pool 40 holds 40 / 55 ms ≈ 700 req/s, far above the ramp; max_connections 100 is far above one pool of 40), so the other two dimensions keep the starting value. Minimum threads: the runtime default (the start); 16 ≈ Little's law at the top rate (200 req/s x ~55 ms x 1.5); 64 (4x that, room for the blocking path's queueing); 256 (the budget's maximum).",
    };

    /// <summary>(2) Remote database, pool-bound: asynchronous data path (threads fine), 50 ms round trip, pool 4.</summary>
    public static ProofProfile RemotePool() => new()
    {
        Name = "remote-pool",
        Description = "Asynchronous data path (threads are not the limit), each query holding its connection for a 50 ms simulated round trip (a remote database), pool 4 (≈ 4 / 50 ms = 80 req/s); max_connections 100 is ample. The pool limits.",
        Scenario = new DemoScenario
        {
            BlockingDataPath = false,
            RoundTripMilliseconds = 50,
            StartingPoolSize = 4,
            StartingMaxConnections = 100,
            RampRates = [50, 100, 150, 200, 250],
        },
        Starting = new StaticSettings(null, 4, 100),
        MinThreadsGrid = [null],
        PoolGrid = [4, 8, 16, 32],
        MaxConnectionsGrid = [100],
        GridReasons = "Only the pool matters here (the async path needs few threads, so minimum threads stays at the runtime default; max_connections 100 exceeds every pool in the grid). Pool: 4 (the start, ≈ 80 req/s); 8 (≈ 160 req/s, short of the top); 16 (≈ 320 req/s, Little's law for the top rate 250 req/s x 50 ms = 12.5 plus headroom); 32 (twice that: shows whether more connections cost anything).",
    };

    /// <summary>(3) max_connections-bound: two replicas whose pools need more connections than a low max_connections allows.</summary>
    public static ProofProfile MaxConnections() => new()
    {
        Name = "max-connections",
        Description = "Two replicas on the asynchronous data path, 50 ms simulated round trip, pool 8 each (16 connections wanted), but PostgreSQL's max_connections is 12: past ≈ 10 busy connections (≈ 200 req/s) new connections are refused or requests wait for the few there are. max_connections limits; raising it needs a PostgreSQL restart.",
        Replicas = 2,
        Scenario = new DemoScenario
        {
            BlockingDataPath = false,
            RoundTripMilliseconds = 50,
            StartingPoolSize = 8,
            StartingMaxConnections = 12,
            RampRates = [50, 100, 150, 200, 250],
        },
        Starting = new StaticSettings(null, 8, 12),
        MinThreadsGrid = [null],
        PoolGrid = [4, 8, 16],
        MaxConnectionsGrid = [12, 24, 48],
        GridReasons = "Threads are not the limit on the async path (minimum threads stays at the runtime default). The top rate 250 req/s x 50 ms needs ≈ 12.5 busy connections, ≈ 6 per replica, plus queueing headroom. Pool: 4 (2 x 4 = 8 fit under max_connections 12 with the admin and reserved slots: no refusals, but ≈ 160 req/s at most); 8 (the start; enough per replica, needs ≈ 20 slots); 16 (twice that). max_connections: 12 (the start); 24 (fits 2 x 8 plus reserved and admin); 48 (fits 2 x 16 plus them).",
    };
}
