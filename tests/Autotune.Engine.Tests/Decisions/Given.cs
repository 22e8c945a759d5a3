using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Tests.Decisions;

/// <summary>A healthy, fully budgeted starting point that each test bends to the situation it names.</summary>
internal static class Given
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public const string Api = "shop/orders";

    public static ApiTuningSpec Spec(TuningMode mode = TuningMode.Auto, RestartPolicy restart = RestartPolicy.Immediate) => new()
    {
        TargetRef = new TargetRef { Name = "orders-api" },
        Mode = mode,
        Objectives = new Objectives { P99LatencyMs = 250, MaxPoolWaitMs = 20, MaxQueueDepth = 20 },
        Metrics = new MetricsSpec { Window = "60s" },
        Knobs = new KnobsSpec
        {
            Replicas = new KnobBudget { Min = 2, Max = 20 },
            ThreadPoolMinThreads = new KnobBudget { Min = 8, Max = 512 },
            DbMaxPoolSize = new KnobBudget { Min = 5, Max = 200 },
            PostgresMaxConnections = new KnobBudget { Min = 100, Max = 1000 },
        },
        Apply = new ApplySpec { MaxSurge = 1 },
        Postgres = new PostgresSpec { ReservedConnections = 10, Restart = restart },
        Behavior = new BehaviorSpec { CooldownSeconds = 120, ScaleInStabilizationSeconds = 300 },
    };

    /// <summary>
    /// <see cref="Spec"/> for a single pod that stays single (replicas 1-1): a P99 objective of
    /// <paramref name="p99LatencyMs"/> with at most <paramref name="maxQueueDepth"/> queued per pod, a pool budget of
    /// <paramref name="poolMin"/>-<paramref name="poolMax"/> and, when <paramref name="threadsMax"/> is given, minimum
    /// threads 2-<paramref name="threadsMax"/>; every other setting is <see cref="Spec"/>'s.
    /// </summary>
    public static ApiTuningSpec OnePodSpec(int poolMax, int poolMin = 2, int? threadsMax = null, double p99LatencyMs = 200, double maxQueueDepth = 20)
    {
        var spec = Spec();
        return spec with
        {
            Objectives = spec.Objectives with { P99LatencyMs = p99LatencyMs, MaxQueueDepth = maxQueueDepth },
            Knobs = spec.Knobs with
            {
                Replicas = new KnobBudget { Min = 1, Max = 1 },
                ThreadPoolMinThreads = threadsMax is { } max ? new KnobBudget { Min = 2, Max = max } : spec.Knobs.ThreadPoolMinThreads,
                DbMaxPoolSize = new KnobBudget { Min = poolMin, Max = poolMax },
            },
        };
    }

    /// <summary>Three pods at 300 rps, well inside every objective.</summary>
    public static ObservedWindow Healthy(DateTimeOffset? end = null) => new()
    {
        Start = (end ?? Now) - TimeSpan.FromSeconds(60),
        End = end ?? Now,
        Scrapes = 6,
        Pods = 3,
        Rps = 300,
        Requests = 18000,
        P50Ms = 20,
        P99Ms = 180,
        ShareUnderObjective = 0.995,
        PoolWaitP99Ms = 1,
        ConnectionHoldMeanMs = 5,
        ConnectionUsesPerSecond = 600,
        PendingRequestsMean = 0,
        PoolUsage = 0.5,
        QueueDepthMean = 0,
        ThreadsFirst = 20,
        ThreadsLast = 20,
        CpuUtilization = 0.5,
        ScrapeLatencyMaxMs = 10,
        AppliedMinThreads = 16,
        AppliedPoolSize = 10,
    };

    /// <summary>
    /// Requests wait for connections and some give up: the pool of 10 is full at 900 uses/s per pod of 10 ms each, and
    /// requests time out waiting for it (the waiters are work it did not serve).
    /// </summary>
    public static ObservedWindow PoolExhausted() => Healthy() with
    {
        P99Ms = 400,
        ShareUnderObjective = 0.95,
        PoolWaitP99Ms = 180,
        PoolUsage = 1.0,
        PendingRequestsMean = 4,
        PoolTimeouts = 12,
        ConnectionHoldMeanMs = 10,
        ConnectionUsesPerSecond = 2700,
        CpuUtilization = 0.45,
    };

    /// <summary>One pod of a fast async API at 15k req/s arriving and served, P99 8 ms, minimum threads 72 (open loop).</summary>
    public static ObservedWindow FastAsyncPod() => Healthy() with
    {
        Pods = 1,
        Rps = 15_000,
        Requests = 15_000 * 60,
        P50Ms = 4,
        P99Ms = 8,
        ShareUnderObjective = 1,
        AppliedMinThreads = 72,
    };

    /// <summary>Minimum threads raised 72 -> 144 on <paramref name="before"/>, confirmed 90 s ago and awaiting its judgement.</summary>
    public static TuningState ThreadRaise(ObservedWindow before) => TuningState.Empty with
    {
        Pending = new PendingChange
        {
            Knob = Knob.ThreadPoolMinThreads,
            From = 72,
            To = 144,
            Reason = DecisionReasons.RaiseMinThreads,
            DecidedAt = Now.AddMinutes(-3),
            ExpectedGeneration = 7,
            ConfirmedAt = Now.AddSeconds(-90),
            Before = WindowSummary.Of(before),
        },
        History =
        [
            Change(Knob.ThreadPoolMinThreads, 72, 144, DecisionReasons.RaiseMinThreads, Bottleneck.ThreadStarvation, Now.AddMinutes(-3), before, "raised"),
        ],
    };

    /// <summary>
    /// <paramref name="state"/> with a change decided 3 minutes ago (on the CPU-saturated window
    /// <paramref name="before"/>), confirmed 90 s ago as generation 5, and waiting to be judged.
    /// </summary>
    public static TuningState Confirmed(TuningState state, Knob knob, int from, int to, string reason, ObservedWindow before) => state with
    {
        Pending = new PendingChange
        {
            Knob = knob,
            From = from,
            To = to,
            Reason = reason,
            DecidedAt = Now.AddMinutes(-3),
            ExpectedGeneration = 5,
            ConfirmedAt = Now.AddSeconds(-90),
            Before = WindowSummary.Of(before),
        },
        History = [Change(knob, from, to, reason, Bottleneck.CpuSaturated, Now.AddMinutes(-3), before)],
    };

    /// <summary>A change made at <paramref name="time"/>, remembered with the window it was decided on.</summary>
    public static HistoryEntry Change(Knob knob, int from, int to, string reason, Bottleneck bottleneck, DateTimeOffset time, ObservedWindow before, string message = "changed", bool requiresRestart = false) => new(
        new Decision
        {
            Kind = DecisionKind.Change,
            Bottleneck = bottleneck,
            Reason = reason,
            Message = message,
            Knob = knob,
            From = from,
            To = to,
            Time = time,
            RequiresRestart = requiresRestart,
        },
        WindowSummary.Of(before));

    public static Settings Settings() => new(3, 16, 10, 200);

    /// <summary>max_connections 200; this API holds (3 + 1) x 10; another holds (4 + 1) x 20.</summary>
    public static DatabaseLedger Ledger(int maxConnections = 200, int otherPool = 20) => new()
    {
        Server = "db:5432",
        MaxConnections = maxConnections,
        SuperuserReservedConnections = 3,
        AdminConnections = 1,
        ReservedConnections = 10,
        Entries =
        [
            new LedgerEntry { ApiId = Api, Replicas = 3, Surge = 1, PoolSize = 10 },
            new LedgerEntry { ApiId = "shop/payments", Replicas = 4, Surge = 1, PoolSize = otherPool },
        ],
    };

    public static DecisionInput Input(ObservedWindow? window = null, ApiTuningSpec? spec = null, TuningState? state = null,
        Settings? settings = null, DatabaseLedger? ledger = null, DateTimeOffset? now = null) => new()
        {
            ApiId = Api,
            Spec = spec ?? Spec(),
            Window = window,
            Current = settings ?? Settings(),
            State = state ?? TuningState.Empty,
            Ledger = ledger ?? Ledger(),
            Now = now ?? Now,
        };
}
