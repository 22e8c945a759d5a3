namespace Autotune.Demo.Proof;

/// <summary>
/// The proof's load profiles. Every ramp climbs from the profile's start rate in geometric steps until P99 or errors
/// fail, so the knee found is the machine's, not the ramp's; the grids reach past the knee in each dimension that
/// matters, so a setting can be too high as well as too low.
/// </summary>
public static class ProofProfiles
{
    /// <summary>The ApiTuning local mode runs with in most profiles (copied beside the program).</summary>
    public const string SpecFile = "proof-apituning.yaml";

    /// <summary>The ApiTuning with replicas as a knob and wide budgets, for the fast-async workload.</summary>
    public const string WideSpecFile = "proof-apituning-wide.yaml";

    /// <summary>The ApiTuning whose pool and max_connections budgets hold the bursty-starvation start (pool 100, max_connections 200).</summary>
    public const string BlockingSpecFile = "proof-apituning-blocking.yaml";

    /// <summary>All of them, in the order they run (the two starts of the fast-async workload together).</summary>
    public static IReadOnlyList<ProofProfile> All { get; } = [FastAsync(), OverProvisioned(), CachedMix(), BurstyStarvation(), RemotePool(), MaxConnections()];

    // The sample API's token bucket (2,000 req/s by default) would be the knee of every fast profile. Tiered
    // compilation is off: a fresh process otherwise needs 10-20 s of load before its JIT tiers settle (its uncached
    // rate went 1.8k -> 1.1k -> 1.8k -> 3.4k -> 6k req/s in 3 s slices, docs/sample-api.md), and every ramp starts fresh
    // processes after a 2 s warm-up: with every method compiled optimised on first call, a ramp compares settings,
    // not JIT tiers (the knees are those of a process without dynamic PGO).
    private static Dictionary<string, string> Env(params (string Name, string Value)[] settings)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SampleApi__RateLimitPerSecond"] = "1000000",
            ["SampleApi__RateLimitBurst"] = "1000000",
            ["DOTNET_TieredCompilation"] = "0",
        };
        foreach (var (name, value) in settings)
        {
            env[name] = value;
        }

        return env;
    }

    private static DemoScenario FastAsyncScenario(int pool, int maxConnections) => new()
    {
        BlockingDataPath = false,
        RoundTripMilliseconds = 0,
        StartingPoolSize = pool,
        StartingMaxConnections = maxConnections,
        RampRates = KneeRamp.Rates(2_000, ceiling: 12_000),
        Environment = Env(("SampleApi__Cache__RedisEnabled", "false")),
    };

    private const string FastAsyncGridReasons =
        "Replicas 1 and 2 (the over-provisioned start has 2; on 2 cores shared with PostgreSQL a second process mostly adds scheduling). Pool: 2 (caps the API at 2 queries in flight: below the knee), 8 (about the database's best client count on 2 cores: pgbench -S peaks near 8 clients), 64 (far above it: the over-provisioned start; 64 backends contend for 2 cores). Minimum threads: the runtime default and 256 (the over-provisioned start: idle threads on 2 cores cost context switches). max_connections 200 fits every point (2 x 64 + reserved).";

    /// <summary>(1) Fast async, database-bound, from too low: caches off, no simulated round trip, pool 2.</summary>
    public static ProofProfile FastAsync() => new()
    {
        Name = "fast-async",
        WorkloadName = "fast-async",
        Description = "Every read reaches PostgreSQL (both caches off) on the asynchronous data path with no simulated round trip: the API does thousands of requests per second and is bound by the database and the 2 cores. Starts too low: pool 2, the runtime's minimum threads, 1 replica.",
        Discriminates = "Both the pool and the threads have a knee here: too few connections queue requests in the pool, too many contend inside a 2-core PostgreSQL (pgbench -S does 27.5k tps at 8 clients and 17.3k at 64), and hundreds of threads cost context switches. A tuner that only ever raises loses to the grid; one that sizes from a latency inflated by queueing overshoots.",
        Scenario = FastAsyncScenario(2, 200),
        Starting = new StaticSettings(null, 2, 200, 1),
        SpecFile = WideSpecFile,
        StartRate = 2_000,
        ExpectedKnee = 6_000,
        ReplicasGrid = [1, 2],
        MinThreadsGrid = [null, 256],
        PoolGrid = [2, 8, 64],
        MaxConnectionsGrid = [200],
        GridReasons = FastAsyncGridReasons,
    };

    /// <summary>(2) The same workload from too high: 2 replicas, 256 minimum threads, pool 64 each.</summary>
    public static ProofProfile OverProvisioned() => FastAsync() with
    {
        Name = "over-provisioned",
        Description = "The fast-async workload started far above its knee: 2 replicas, minimum threads 256 and pool 64 each (128 connections to a 2-core database), max_connections 200.",
        Discriminates = "The starting settings already hold a lot, so the question is cost: the tuner must give back replicas, connections and threads without losing the knee. Doing nothing keeps the throughput at several times the cost; giving back too much loses the knee.",
        Scenario = FastAsyncScenario(64, 200),
        Starting = new StaticSettings(256, 64, 200, 2),
    };

    /// <summary>(3) Cached read/write mix at tens of thousands of requests per second: the no-harm profile.</summary>
    public static ProofProfile CachedMix() => new()
    {
        Name = "cached-mix",
        Description = "Both caches on (in-process and Redis), 95% reads of 5,000 users and 5% writes (each write invalidates through Redis), asynchronous path, no simulated round trip; reads are answered from memory at tens of thousands of requests per second. Starts at reasonable settings: pool 16, the runtime's minimum threads.",
        Discriminates = "Neither pool nor threads limit here (writes are a few hundred per second of database work): the best a tuner can do is no harm. A busy async process queues work items without being starved; a tuner that reads that queue as starvation adds threads, and one that adds connections adds nothing but cost.",
        Scenario = new DemoScenario
        {
            BlockingDataPath = false,
            RoundTripMilliseconds = 0,
            StartingPoolSize = 16,
            StartingMaxConnections = 100,
            PutShare = 0.05,
            Users = 5_000,
            WarmupRate = 2_500,
            RampRates = KneeRamp.Rates(7_000, ceiling: 50_000),
            Environment = Env(("SampleApi__Cache__LocalEnabled", "true"), ("SampleApi__Cache__RedisTtlSeconds", "300")),
        },
        Starting = new StaticSettings(null, 16, 100),
        StartRate = 7_000,
        ExpectedKnee = 20_000,
        MinThreadsGrid = [null, 64],
        PoolGrid = [4, 16, 40],
        MaxConnectionsGrid = [100],
        GridReasons = "5,000 users (a hot set), so that the warm-up (at 2,500 req/s: a fresh process's cache is empty, and 7,000 req/s of misses would be an overload of the database) fills most of the in-process cache before the ramp. Pool 4, 16 (the start), 40 (the pool budget's top): writes need few connections, so the pool should not matter much either way; minimum threads the runtime default and 64 (what a tuner that mistakes a busy queue for starvation would set). max_connections 100 fits every pool.",
    };

    /// <summary>(4) Bursty blocking starvation: idle gaps, then bursts, on the blocking data path.</summary>
    public static ProofProfile BurstyStarvation() => new()
    {
        Name = "bursty-starvation",
        Description = "Reads on the blocking data path (synchronous Npgsql on the request thread) with a 20 ms simulated round trip, arriving in bursts after idle gaps of 2 s; the runtime's minimum threads; pool 100 and max_connections 200 are ample.",
        Discriminates = "The runtime retires idle worker threads (after 20 s by default; here DOTNET_ThreadPool_ThreadTimeoutMs=1000 compresses an idle spell of minutes into the 2 s gap), so every burst starts from the minimum and waits for thread injection (about 2 threads a second) while each request holds its thread for 20 ms: the runtime's own injection cannot hide it, and only raised minimum threads hold the bursts. The earlier starvation profile ramped steadily, so the runtime grew threads between steps and the starting settings held as much as the best.",
        Scenario = new DemoScenario
        {
            BlockingDataPath = true,
            RoundTripMilliseconds = 20,
            StartingPoolSize = 100,
            StartingMaxConnections = 200,
            IdleGap = TimeSpan.FromSeconds(2),
            RampRates = KneeRamp.Rates(1_000, ceiling: 6_000),
            Environment = Env(("SampleApi__Cache__RedisEnabled", "false"), ("DOTNET_ThreadPool_ThreadTimeoutMs", "1000")),
        },
        Starting = new StaticSettings(null, 100, 200),
        SpecFile = BlockingSpecFile,
        StartRate = 1_000,
        ExpectedKnee = 2_500,
        MinThreadsGrid = [null, 16, 64, 256],
        PoolGrid = [100],
        MaxConnectionsGrid = [200],
        GridReasons = "Only minimum threads matters (pool 100 at 20 ms holds 5,000 req/s, above what the blocking path serves on 2 cores). Minimum threads: the runtime default (the start); 16 (≈ 800 req/s x 20 ms); 64 (≈ 3,200 req/s); 256 (the budget's top: shows what too many threads cost). Local mode runs proof-apituning-blocking.yaml, whose pool budget (2-100) and max_connections budget (10-300) hold this start, so it may keep what the grid keeps.",
    };

    /// <summary>(5) Remote database, pool-bound: asynchronous data path (threads fine), 50 ms round trip, pool 4.</summary>
    public static ProofProfile RemotePool() => new()
    {
        Name = "remote-pool",
        Description = "Asynchronous data path (threads are not the limit), each query holding its connection for a 50 ms simulated round trip (a remote database), pool 4 (≈ 4 / 50 ms = 80 req/s); max_connections 100 is ample. The pool limits.",
        Discriminates = "Throughput is pool / round trip until the budget's top (40 x 20 = 800 req/s): a tuner that stops raising the pool early, or sizes it for the load it saw rather than the load that comes, loses to the grid in proportion.",
        Scenario = new DemoScenario
        {
            BlockingDataPath = false,
            RoundTripMilliseconds = 50,
            StartingPoolSize = 4,
            StartingMaxConnections = 100,
            RampRates = KneeRamp.Rates(250, ceiling: 2_000),
            Environment = Env(("SampleApi__Cache__RedisTtlSeconds", "1")),
        },
        Starting = new StaticSettings(null, 4, 100),
        StartRate = 250,
        ExpectedKnee = 700,
        MinThreadsGrid = [null],
        PoolGrid = [4, 8, 16, 40],
        MaxConnectionsGrid = [100],
        GridReasons = "Only the pool matters here (the async path needs few threads, so minimum threads stays at the runtime default; max_connections 100 exceeds every pool in the grid). Pool: 4 (the start, ≈ 80 req/s); 8 (≈ 160 req/s); 16 (≈ 320 req/s); 40 (the budget's top, ≈ 800 req/s).",
    };

    /// <summary>(6) max_connections-bound: two replicas whose pools need more connections than a low max_connections allows.</summary>
    public static ProofProfile MaxConnections() => new()
    {
        Name = "max-connections",
        Description = "Two replicas on the asynchronous data path, 50 ms simulated round trip, pool 8 each (16 connections wanted), but PostgreSQL's max_connections is 12: past ≈ 10 busy connections (≈ 200 req/s) new connections are refused or requests wait for the few there are. max_connections limits; raising it needs a PostgreSQL restart.",
        Discriminates = "The pool cannot grow until max_connections does, and that needs a restart: a tuner that only sizes pools hits the budget; one that shrinks pools to fit loses throughput.",
        Scenario = new DemoScenario
        {
            BlockingDataPath = false,
            RoundTripMilliseconds = 50,
            StartingPoolSize = 8,
            StartingMaxConnections = 12,
            RampRates = KneeRamp.Rates(200, ceiling: 2_000),
            Environment = Env(("SampleApi__Cache__RedisTtlSeconds", "1")),
        },
        Starting = new StaticSettings(null, 8, 12, 2),
        StartRate = 200,
        ExpectedKnee = 600,
        ReplicasGrid = [2],
        MinThreadsGrid = [null],
        PoolGrid = [4, 8, 16],
        MaxConnectionsGrid = [12, 48],
        GridReasons = "Threads are not the limit on the async path (minimum threads stays at the runtime default). Pool: 4 (2 x 4 = 8 fit under max_connections 12 with the admin and reserved slots: no refusals, ≈ 160 req/s at most); 8 (the start; needs ≈ 20 slots); 16 (2 x 16 x 20 = 640 req/s). max_connections: 12 (the start) and 48 (fits 2 x 16 plus reserved and admin; a value between only splits the difference and costs three more ramps).",
    };
}
