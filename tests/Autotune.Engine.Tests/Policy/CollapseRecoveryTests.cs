using Autotune.Contracts;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// A collapse (requests keep arriving, few are answered) is acted on at once and sized from demand in one decision:
/// arrivals x the uncontended service and connection-hold times, threads, pool and max_connections together. Measured
/// in the simulator's demo: windows completing 5 and 3 requests at 200 req/s arriving were held as too little traffic,
/// then four single-knob changes reached settings that held in minute 17.
/// </summary>
public sealed class CollapseRecoveryTests
{
    private const string Api = "local/orders";

    /// <summary>The demo in local mode: one process, no surge, max_connections 20 with 14 reserved, a 200 ms objective.</summary>
    private static readonly ApiTuningSpec Spec = Given.OnePodSpec(poolMax: 80, threadsMax: 256) with
    {
        Knobs = Given.OnePodSpec(poolMax: 80, threadsMax: 256).Knobs with { PostgresMaxConnections = new KnobBudget { Min = 20, Max = 100 } },
        Apply = new ApplySpec { MaxSurge = 0 },
    };

    private static readonly Settings Demo = new(1, 2, 4, 20);

    /// <summary>
    /// The first window of the demo's collapse: 5 requests completed, P99 30 s (the median 15 s is time spent
    /// queued), the requests in flight growing 200 a second while the threads are blocked (0.2 work items a second).
    /// </summary>
    private static ObservedWindow Collapse() => new()
    {
        Start = Given.Now - TimeSpan.FromSeconds(60),
        End = Given.Now,
        Scrapes = 7,
        Pods = 1,
        Rps = 5 / 60.0,
        Requests = 5,
        P50Ms = 15_000,
        P99Ms = 30_000,
        ShareUnderObjective = 0,
        ConnectionHoldMeanMs = 54,
        ConnectionUsesPerSecond = 0.1,
        PoolUsage = 0,
        QueueDepthMean = 6000,
        QueueDepthMax = 12_000,
        QueueDepthSlopePerSecond = 198,
        ActiveRequestsMean = 6000,
        ActiveRequestsMax = 12_000,
        ActiveRequestsSlopePerSecond = 200,
        ThreadsFirst = 2,
        ThreadsLast = 120,
        ThreadsMean = 60,
        CpuUtilization = 0.01,
        WorkItemsPerSecond = 0.2,
        ScrapeLatencyMaxMs = 15,
        AppliedMinThreads = 2,
        AppliedPoolSize = 4,
    };

    /// <summary>What this API showed uncontended: a 55 ms median, connections held 50 ms.</summary>
    private static readonly TuningState Learned = TuningState.Empty with { Baseline = new ServiceBaseline(55, 50) };

    private static DatabaseLedger Ledger(int maxConnections = 20, int pool = 4) => new()
    {
        Server = "localhost:5432",
        MaxConnections = maxConnections,
        SuperuserReservedConnections = 3,
        AdminConnections = 1,
        ReservedConnections = 10,
        Entries = [new LedgerEntry { ApiId = Api, Replicas = 1, PoolSize = pool }],
    };

    private static DecisionInput Input(ObservedWindow w, TuningState? state = null, ApiTuningSpec? spec = null, Settings? settings = null, DatabaseLedger? ledger = null) => new()
    {
        ApiId = Api,
        Spec = spec ?? Spec,
        Window = w,
        Current = settings ?? Demo,
        State = state ?? Learned,
        Ledger = ledger ?? Ledger(),
        Now = Given.Now,
    };

    [Fact]
    public void A_window_with_few_completions_but_high_arrivals_is_a_collapse_acted_on_not_too_little_traffic()
    {
        var input = Input(Collapse());

        var finding = Diagnoser.Diagnose(input.Spec, input.Window, input.Current, input.State, input.Now);
        var d = TuningEngine.Decide(input);

        Assert.True(finding.Actionable, finding.Summary);
        Assert.True(finding.Collapse, finding.Summary);
        Assert.Equal((DecisionKind.Change, DecisionReasons.RecoverFromCollapse), (d.Kind, d.Reason));
        Assert.Contains("200 rps arriving", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_with_genuinely_low_arrivals_is_still_too_little_traffic()
    {
        var d = TuningEngine.Decide(Input(Quiet()));

        Assert.Equal((DecisionKind.Hold, DecisionReasons.TooLittleTraffic), (d.Kind, d.Reason));
    }

    [Fact]
    public void Low_arrivals_that_all_fail_are_still_too_little_traffic()
    {
        // Every one of the 20 requests failed, but 20 in a minute is not enough traffic to judge a collapse on.
        var d = TuningEngine.Decide(Input(Quiet() with { ErrorRate = 1, P99Ms = 30_000, ShareUnderObjective = 0 }));

        Assert.Equal(DecisionReasons.TooLittleTraffic, d.Reason);
    }

    /// <summary>20 requests in a minute and nothing piling up: a quiet service, not a collapsed one.</summary>
    private static ObservedWindow Quiet() => Collapse() with
    {
        Rps = 20 / 60.0,
        Requests = 20,
        P50Ms = 50,
        P99Ms = 90,
        ShareUnderObjective = 1,
        QueueDepthMean = 0,
        QueueDepthMax = 0,
        QueueDepthSlopePerSecond = 0,
        ActiveRequestsMean = 0.3,
        ActiveRequestsMax = 1,
        ActiveRequestsSlopePerSecond = 0,
        ThreadsLast = 2,
        ThreadsMean = 2,
    };

    [Fact]
    public void Threads_are_sized_from_arrivals_and_the_uncontended_service_time_not_the_inflated_latency()
    {
        var d = TuningEngine.Decide(Input(Collapse()));

        // 200 rps x 55 ms x 1.5 = 16.5 -> 17 threads; Little's law on the 15 s median would ask for 4,500.
        var threads = Assert.Single(d.Plan, s => s.Knob == Knob.ThreadPoolMinThreads);
        Assert.Equal((2, 17), (threads.From, threads.To));

        // 200 rps x 1 use x 50 ms x 1.5 = 15.0 -> 16 connections (the window's 54 ms hold is not the baseline's 50).
        var pool = Assert.Single(d.Plan, s => s.Knob == Knob.DbMaxPoolSize);
        Assert.Equal((4, 16), (pool.From, pool.To));
        Assert.Contains("55 ms uncontended service time", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_baseline_the_collapse_is_sized_from_the_connection_hold_time_it_measured()
    {
        var d = TuningEngine.Decide(Input(Collapse(), TuningState.Empty));

        // 200 rps x 54 ms x 1.5 = 16.2 -> 17, for threads and the pool alike.
        Assert.Equal(17, Assert.Single(d.Plan, s => s.Knob == Knob.ThreadPoolMinThreads).To);
        Assert.Equal(17, Assert.Single(d.Plan, s => s.Knob == Knob.DbMaxPoolSize).To);
        Assert.Contains("54 ms connection hold time", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_decision_raises_max_connections_before_the_pool_and_threads_with_the_invariant_kept_in_every_step()
    {
        var input = Input(Collapse());

        var d = TuningEngine.Decide(input);

        Assert.True(d.Together);
        Assert.Equal([Knob.ThreadPoolMinThreads, Knob.PostgresMaxConnections, Knob.DbMaxPoolSize], d.Plan.Select(s => s.Knob));
        Assert.All(d.Plan, s => Assert.True(s.Fits, $"{s.Knob} {s.From} -> {s.To} needs {s.PeakDemand} of {s.Capacity}"));
        var mc = d.Plan.Single(s => s.Knob == Knob.PostgresMaxConnections);
        var pool = d.Plan.Single(s => s.Knob == Knob.DbMaxPoolSize);
        Assert.True(mc.To - Ledger().Reserved >= pool.To, $"max_connections {mc.To} leaves {mc.To - Ledger().Reserved} for a pool of {pool.To}");
        Assert.True(d.RequiresRestart);
        Assert.Equal((Knob.DbMaxPoolSize, 4, 16), (d.Knob, d.From, d.To));
        Assert.StartsWith("Raised together minimum threads 2 -> 17, max_connections 20 -> ", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pass_orders_max_connections_first_then_one_tuning_file_with_both_knobs_and_shedding_on()
    {
        var plan = TuningPass.Plan(new PassInput
        {
            ApiId = Api,
            Spec = Spec,
            Window = Collapse(),
            DesiredReplicas = 1,
            ReadyReplicas = 1,
            Delivered = new TuningFile(3, 2, 4),
            Database = new DatabaseState("localhost:5432", MaxConnections: 20, SuperuserReserved: 3, Connections: 5, PendingRestart: false, PendingMaxConnections: null),
            State = Learned,
            Now = Given.Now,
        });

        var order = Assert.IsType<ApplyOrder.InTurn>(plan.Order);
        Assert.Equal(2, order.Orders.Count);
        var mc = Assert.IsType<ApplyOrder.SetMaxConnections>(order.Orders[0]);
        Assert.True(mc.RestartAllowed);
        var file = Assert.IsType<ApplyOrder.DeliverTuning>(order.Orders[1]).File;
        Assert.Equal((17, 16, 4L), (file.ThreadPoolMinThreads, file.DbMaxPoolSize, file.Generation));
        Assert.Equal(200, file.ShedAfterMilliseconds);

        var outcome = TuningPass.Complete(plan, ApplyReport.Done with { MaxConnections = new MaxConnectionsResult("localhost:5432", 20, mc.To, true, mc.To) });
        Assert.Equal((Knob.DbMaxPoolSize, 16, 4L), (outcome.State.Pending!.Knob, outcome.State.Pending.To, outcome.State.Pending.ExpectedGeneration));
    }

    [Fact]
    public void A_window_the_decision_restarted_the_database_in_is_known_as_disturbed()
    {
        var input = Input(Collapse());
        var d = TuningEngine.Decide(input);
        var state = TuningStateTransitions.Next(input, d, expectedGeneration: 4);
        var after = Collapse() with { Start = Given.Now - TimeSpan.FromSeconds(30), End = Given.Now + TimeSpan.FromSeconds(30) };

        var why = RestartDisturbance.Of(after, state);

        var mc = d.Plan.Single(s => s.Knob == Knob.PostgresMaxConnections);
        Assert.Equal($"max_connections {mc.From} -> {mc.To} restarted the database at 12:00:00", why);
    }

    [Fact]
    public void Without_a_restart_allowed_now_the_pool_grows_only_as_far_as_max_connections_lets_it()
    {
        var spec = Spec with { Postgres = Spec.Postgres! with { Restart = RestartPolicy.Never } };

        var d = TuningEngine.Decide(Input(Collapse(), spec: spec));

        // 20 - 14 reserved leaves 6 for the pool; threads still go to 17, max_connections is not touched.
        Assert.DoesNotContain(d.Plan, s => s.Knob == Knob.PostgresMaxConnections);
        Assert.Equal((4, 6), d.Plan.Single(s => s.Knob == Knob.DbMaxPoolSize) is var p ? (p.From, p.To) : default);
        Assert.Equal(17, d.Plan.Single(s => s.Knob == Knob.ThreadPoolMinThreads).To);
        Assert.False(d.RequiresRestart);
    }

    /// <summary>
    /// The demo at 19:10 UTC, 2026-12-07: max_connections rose 20 -> 36 a window ago for a pool of 15; the collapse then
    /// asked 36 -> 38 for a pool of 16 and, max_connections in its cooldown, held the pool at 7 one window more.
    /// </summary>
    [Fact]
    public void A_max_connections_raise_in_its_cooldown_does_not_hold_the_part_of_the_pool_that_fits_now()
    {
        var state = Learned with
        {
            History =
            [
                new HistoryEntry(new Decision
                {
                    Kind = DecisionKind.Change, Bottleneck = Bottleneck.PoolExhaustion, Reason = DecisionReasons.RaiseMaxConnections, Message = "raised",
                    Knob = Knob.PostgresMaxConnections, From = 20, To = 24, Time = Given.Now.AddSeconds(-5),
                }, null),
            ],
        };

        var d = TuningEngine.Decide(Input(Collapse(), state: state, settings: Demo with { PostgresMaxConnections = 24 }, ledger: Ledger(maxConnections: 24)));

        // 24 - 14 reserved leaves 10: the pool grows 4 -> 10 now, threads to 17, and max_connections waits.
        Assert.Equal(DecisionReasons.RecoverFromCollapse, d.Reason);
        Assert.DoesNotContain(d.Plan, s => s.Knob == Knob.PostgresMaxConnections);
        Assert.True(d.Plan.Single(s => s.Knob == Knob.DbMaxPoolSize) is { From: 4, To: > 4 and <= 10 }, d.Message);
        Assert.Contains("max_connections is not raised: max_connections changed 5 s ago", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_collapse_with_saturated_cpu_is_not_sized_from_demand()
    {
        var d = TuningEngine.Decide(Input(Collapse() with { CpuUtilization = 0.95 }));

        Assert.NotEqual(DecisionReasons.RecoverFromCollapse, d.Reason);
    }

    [Fact]
    public void Minimum_threads_do_not_rise_in_a_collapse_where_no_work_waits_for_threads()
    {
        // An async app collapsed behind its pool: requests wait for connections, not for threads.
        var d = TuningEngine.Decide(Input(Collapse() with { QueueDepthMean = 0, QueueDepthMax = 0, QueueDepthSlopePerSecond = 0, PoolUsage = 1, PendingRequestsMean = 900 }));

        Assert.Equal(DecisionReasons.RecoverFromCollapse, d.Reason);
        Assert.DoesNotContain(d.Plan, s => s.Knob == Knob.ThreadPoolMinThreads);
        Assert.Contains(d.Plan, s => s.Knob == Knob.DbMaxPoolSize && s.To == 16);
    }

    [Fact]
    public void Every_collapse_decision_keeps_each_knob_in_its_budget_and_every_step_within_the_connections()
    {
        var random = new Random(16);
        for (var i = 0; i < 400; i++)
        {
            var arrivals = 20 + (random.NextDouble() * 2000);
            var hold = 1 + (random.NextDouble() * 200);
            var service = hold + (random.NextDouble() * 100);
            var poolMax = 2 + random.Next(100);
            var mcMax = 20 + random.Next(300);
            var threadsMax = 2 + random.Next(500);
            var mcNow = 20 + random.Next(Math.Max(1, mcMax - 20));
            var poolNow = 2 + random.Next(Math.Max(1, Math.Min(poolMax, mcNow - 14) - 2 + 1));
            var spec = Spec with
            {
                Knobs = new KnobsSpec
                {
                    Replicas = new KnobBudget { Min = 1, Max = 1 },
                    ThreadPoolMinThreads = new KnobBudget { Min = 2, Max = threadsMax },
                    DbMaxPoolSize = new KnobBudget { Min = 2, Max = poolMax },
                    PostgresMaxConnections = new KnobBudget { Min = 20, Max = mcMax },
                },
                Postgres = Spec.Postgres! with { Restart = random.Next(2) == 0 ? RestartPolicy.Immediate : RestartPolicy.Never },
            };
            var w = Collapse() with { ActiveRequestsSlopePerSecond = arrivals, QueueDepthSlopePerSecond = arrivals, ConnectionHoldMeanMs = hold, AppliedPoolSize = poolNow };
            var state = random.Next(2) == 0 ? TuningState.Empty : TuningState.Empty with { Baseline = new ServiceBaseline(service, hold) };
            var settings = new Settings(1, 2, poolNow, mcNow);

            var d = TuningEngine.Decide(Input(w, state, spec, settings, Ledger(mcNow, poolNow)));

            var case_ = $"case {i}: {arrivals:0} rps, hold {hold:0} ms, pool {poolNow}/{poolMax}, mc {mcNow}/{mcMax}, threads max {threadsMax}: {d.Message}";
            foreach (var s in d.Plan)
            {
                var budget = s.Knob switch
                {
                    Knob.ThreadPoolMinThreads => spec.Knobs.ThreadPoolMinThreads!,
                    Knob.DbMaxPoolSize => spec.Knobs.DbMaxPoolSize!,
                    Knob.PostgresMaxConnections => spec.Knobs.PostgresMaxConnections!,
                    _ => spec.Knobs.Replicas!,
                };
                Assert.InRange(s.To, budget.Min, budget.Max);
                Assert.True(s.To >= s.From, case_);
                Assert.True(s.Fits, $"{case_}: {s.Knob} {s.From} -> {s.To} needs {s.PeakDemand} of {s.Capacity}");
            }

            if (d.Plan.FirstOrDefault(s => s.Knob == Knob.DbMaxPoolSize) is { } pool)
            {
                var mcAfter = d.Plan.FirstOrDefault(s => s.Knob == Knob.PostgresMaxConnections)?.To ?? mcNow;
                Assert.True(pool.To <= mcAfter - Ledger().Reserved, case_);
                Assert.True(d.Plan.TakeWhile(s => s.Knob != Knob.DbMaxPoolSize).Any(s => s.Knob == Knob.PostgresMaxConnections) || mcAfter == mcNow, case_);
            }
        }
    }

    /// <summary>
    /// The demo's first collapse window in the run of 02:08 UTC, 12 s long: 0.4 req/s completed while 100 were offered,
    /// 33 requests per pod waiting on a pool of 4 that ended no wait, the thread-pool queue growing 114 -> 414, the
    /// requests in flight barely growing (a starved pod starts few of the requests that arrive), minimum threads just
    /// raised 2 -> 18.
    /// </summary>
    private static ObservedWindow StuckOnThePool() => new()
    {
        Start = Given.Now - TimeSpan.FromSeconds(12),
        End = Given.Now,
        Scrapes = 5,
        Pods = 1,
        Rps = 0.4,
        Requests = 5,
        P50Ms = 15_000,
        P99Ms = 29_500,
        ShareUnderObjective = 0,
        PoolWaitP99Ms = double.NaN,
        ConnectionHoldMeanMs = double.NaN,
        ConnectionUsesPerSecond = 0,
        PoolUsage = 0.75,
        PendingRequestsMean = 33,
        QueueDepthMean = 414,
        QueueDepthMax = 480,
        QueueDepthSlopePerSecond = 25,
        ActiveRequestsMean = 40,
        ActiveRequestsMax = 44,
        ActiveRequestsSlopePerSecond = 1,
        ThreadsFirst = 18,
        ThreadsLast = 20,
        ThreadsMean = 19,
        CpuUtilization = 0.005,
        WorkItemsPerSecond = 0.5,
        ScrapeLatencyMaxMs = 15,
        AppliedMinThreads = 18,
        AppliedPoolSize = 4,
    };

    private static TuningState ThreadsJustRaised() => Learned with
    {
        History =
        [
            new HistoryEntry(new Decision
            {
                Kind = DecisionKind.Change, Bottleneck = Bottleneck.ThreadStarvation, Reason = DecisionReasons.RaiseMinThreads, Message = "raised",
                Knob = Knob.ThreadPoolMinThreads, From = 2, To = 18, Time = Given.Now.AddSeconds(-24),
            }, null),
        ],
    };

    [Fact]
    public void A_stuck_pool_whose_raise_barely_fits_raises_max_connections_with_it_in_one_decision()
    {
        // max_connections 24 less 14 reserved leaves 10: the live swap's peak (3 busy beside the new pool) lets 7 in.
        var d = TuningEngine.Decide(Input(StuckOnThePool(), ThreadsJustRaised(), settings: new Settings(1, 18, 4, 24), ledger: Ledger(24)));

        Assert.Equal((DecisionKind.Change, DecisionReasons.RaiseMaxConnections, Bottleneck.PoolExhaustion), (d.Kind, d.Reason, d.Bottleneck));
        Assert.True(d.Together, "max_connections and the pool are applied in one decision, not the pool a window later");
        Assert.Equal([Knob.PostgresMaxConnections, Knob.DbMaxPoolSize], d.Plan.Select(s => s.Knob));
        Assert.Equal(12, d.Plan.Single(s => s.Knob == Knob.DbMaxPoolSize).To);
        Assert.True(d.Plan.Single(s => s.Knob == Knob.PostgresMaxConnections).To >= 12 + Ledger().Reserved, d.Message);
        Assert.Contains("under half the step to 12 while requests wait undone, while the service answers 0.4 of 25.4 rps arriving", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stuck_pool_takes_the_part_that_fits_when_no_restart_is_allowed()
    {
        var spec = Spec with { Postgres = new PostgresSpec { ReservedConnections = 10, Restart = RestartPolicy.Never } };

        var d = TuningEngine.Decide(Input(StuckOnThePool(), ThreadsJustRaised(), spec, new Settings(1, 18, 4, 24), Ledger(24)));

        Assert.Equal((DecisionReasons.RaisePool, Knob.DbMaxPoolSize, 4), (d.Reason, d.Knob, d.From));
        Assert.Equal(7, d.To);
    }

    [Fact]
    public void A_pool_that_still_serves_most_of_what_arrives_takes_the_part_that_fits_without_a_restart()
    {
        // The same waiters, but 40 of 50 rps arriving are answered: a restart would cost what the service still serves.
        var serving = StuckOnThePool() with { Rps = 40, Requests = 480, QueueDepthSlopePerSecond = 10, PoolTimeouts = 3 };

        var d = TuningEngine.Decide(Input(serving, ThreadsJustRaised(), settings: new Settings(1, 18, 4, 24), ledger: Ledger(24)));

        Assert.NotEqual(DecisionReasons.RaiseMaxConnections, d.Reason);
        Assert.DoesNotContain(d.Plan, s => s.Knob == Knob.PostgresMaxConnections);
    }
}
