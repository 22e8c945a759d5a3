using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using CsCheck;

namespace Autotune.Engine.Tests.Properties;

/// <summary>Random specs, settings, windows, ledgers and states for the property tests.</summary>
internal static class Generators
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public const string Api = "ns/api";

    private static Gen<KnobBudget?> Budget(int lo, int hi, int span) =>
        from present in Gen.Int[0, 9]
        from min in Gen.Int[lo, hi]
        from width in Gen.Int[0, span]
        from recommend in Gen.Int[0, 9]
        select present == 0 ? null : new KnobBudget { Min = min, Max = min + width, Mode = recommend == 0 ? KnobMode.Recommend : KnobMode.Auto };

    public static readonly Gen<KnobsSpec> Knobs =
        Gen.Select(Budget(1, 4, 10), Budget(1, 64, 300), Budget(1, 20, 60), Budget(100, 500, 1000),
            (r, t, p, m) => new KnobsSpec { Replicas = r, ThreadPoolMinThreads = t, DbMaxPoolSize = p, PostgresMaxConnections = m });

    public static Gen<ApiTuningSpec> Spec(Gen<TuningMode> mode) =>
        from m in mode
        from knobs in Knobs
        from objectives in Gen.Select(Gen.Int[20, 1000], Gen.Int[2, 200], Gen.Int[1, 200])
        from method in Gen.Bool
        from surge in Gen.Int[0, 3]
        from restart in Gen.Enum<RestartPolicy>()
        from hasPostgres in Gen.Int[0, 9]
        from reserved in Gen.Int[0, 20]
        from behavior in Gen.Select(Gen.Int[0, 600], Gen.Int[0, 900], Gen.Bool)
        select new ApiTuningSpec
        {
            TargetRef = new TargetRef { Name = "api" },
            Mode = m,
            Objectives = new Objectives { P99LatencyMs = objectives.Item1, MaxPoolWaitMs = objectives.Item2, MaxQueueDepth = objectives.Item3 },
            Metrics = new MetricsSpec { Window = "60s" },
            Knobs = knobs,
            Apply = new ApplySpec { Method = method ? ApplyMethod.HotReload : ApplyMethod.RollingRestart, MaxSurge = surge },
            Postgres = hasPostgres == 0 ? null : new PostgresSpec
            {
                ReservedConnections = reserved,
                Restart = restart,
                MaintenanceWindow = new MaintenanceWindow { Days = ["Fri"], StartUtc = "11:30", DurationMinutes = 60 },
            },
            Behavior = new BehaviorSpec { CooldownSeconds = behavior.Item1, ScaleInStabilizationSeconds = behavior.Item2, RollbackOnRegression = behavior.Item3 },
        };

    public static readonly Gen<ApiTuningSpec> AnySpec = Spec(Gen.Frequency((8, TuningMode.Auto), (1, TuningMode.Recommend), (1, TuningMode.Paused)));

    private static Gen<int?> Within(KnobBudget? b, int fallbackMax) =>
        b is null ? Gen.Int[1, fallbackMax].Select(v => (int?)v) : Gen.Int[b.Min, b.Max].Select(v => (int?)v);

    public static Gen<Settings> SettingsFor(ApiTuningSpec spec) =>
        Gen.Select(Within(spec.Knobs.Replicas, 10), Within(spec.Knobs.ThreadPoolMinThreads, 200),
            Within(spec.Knobs.DbMaxPoolSize, 60), Within(spec.Knobs.PostgresMaxConnections, 1000),
            (r, t, p, m) => new Settings(r, t, p, m));

    /// <summary>
    /// A window ending up to five minutes before now (mostly fresh), with every signal over a range that crosses its
    /// thresholds; most windows are bent towards one bottleneck so that every rule is reached often.
    /// </summary>
    public static readonly Gen<ObservedWindow> Window =
        from age in Gen.Frequency((4, Gen.Int[0, 50]), (1, Gen.Int[0, 300]))
        from shape in Gen.Select(Gen.Frequency((6, Gen.Int[4, 10]), (1, Gen.Int[0, 3])), Gen.Int[1, 10], Gen.Int[0, 9])
        from load in Gen.Select(Gen.Double[0, 5000], Gen.Double[1, 200], Gen.Double[5, 3000], Gen.Double[0.5, 1])
        from pool in Gen.Select(Gen.Double[0, 400], Gen.Double[0.5, 80], Gen.Double[0, 20], Gen.OneOf(Gen.Double[0, 1], Gen.Const(1.0)))
        from threads in Gen.Select(Gen.Double[0, 400], Gen.Double[-5, 20], Gen.Double[1, 200], Gen.Double[0, 200])
        from cpu in Gen.Frequency((6, Gen.Double[0, 1]), (1, Gen.Const(double.NaN)))
        from scrapeMs in Gen.Frequency((4, Gen.Double[1, 50]), (1, Gen.Double[50, 6000]))
        from scenario in Gen.Int[0, 5]
        let end = Now.AddSeconds(-age)
        let w = new ObservedWindow
        {
            Start = end.AddSeconds(-60),
            End = end,
            Scrapes = shape.Item1,
            Pods = shape.Item2,
            MissingPods = shape.Item3 == 0 ? 1 : 0,
            BoundedSwapPods = shape.Item3 >= 5 ? shape.Item2 : 0,
            Rps = load.Item1,
            Requests = load.Item1 * 60,
            P50Ms = load.Item2,
            P99Ms = load.Item3,
            ShareUnderObjective = load.Item4,
            PoolWaitP99Ms = pool.Item1,
            ConnectionHoldMeanMs = pool.Item2,
            ConnectionUsesPerSecond = load.Item1 * 2,
            PendingRequestsMean = pool.Item3,
            PoolUsage = pool.Item4,
            QueueDepthMean = threads.Item1,
            QueueDepthSlopePerSecond = threads.Item2,
            ThreadsFirst = threads.Item3,
            ThreadsLast = threads.Item3 + threads.Item4,
            CpuUtilization = cpu,
            ScrapeLatencyMaxMs = scrapeMs,
        }
        select scenario switch
        {
            1 => w with { QueueDepthMean = 200 + threads.Item1, QueueDepthSlopePerSecond = 1 + Math.Abs(threads.Item2), CpuUtilization = cpu * 0.5, ThreadsLast = threads.Item3 + 5 },
            2 => w with { PoolWaitP99Ms = 210 + pool.Item1, PoolUsage = 1, PendingRequestsMean = 1 + pool.Item3, QueueDepthMean = 0 },
            3 => w with { CpuUtilization = 0.8 + (0.2 * load.Item4), P99Ms = 1000 + load.Item3, QueueDepthMean = 0, PoolWaitP99Ms = 0 },
            4 => w with { P99Ms = 1 + (load.Item3 / 300), ShareUnderObjective = 1, CpuUtilization = cpu * 0.5, PoolWaitP99Ms = 0, QueueDepthMean = 0, PoolUsage = pool.Item4 * 0.5 },
            _ => w,
        };

    private static readonly Gen<LedgerEntry> Other =
        from id in Gen.Int[0, 1000]
        from r in Gen.Int[1, 5]
        from s in Gen.Int[0, 2]
        from p in Gen.Int[1, 20]
        from moving in Gen.Int[0, 4]
        from target in Gen.Int[1, 25]
        select new LedgerEntry
        {
            ApiId = "other/" + id,
            Replicas = r,
            Surge = s,
            PoolSize = p,
            Transition = moving == 0 ? new ConnectionTransition { TargetReplicas = r, TargetPoolSize = target, OldPoolBusyPerPod = p } : null,
        };

    public static Gen<DatabaseLedger?> LedgerFor(Settings settings) =>
        from present in Gen.Int[0, 9]
        from max in Gen.Int[50, 1500]
        from superuser in Gen.Int[0, 5]
        from reserved in Gen.Int[0, 20]
        from others in Other.Array[0, 3]
        select present == 0 ? null : new DatabaseLedger
        {
            Server = "db:5432",
            MaxConnections = settings.PostgresMaxConnections ?? max,
            SuperuserReservedConnections = superuser,
            ReservedConnections = reserved,
            Entries = others,
        };
}
