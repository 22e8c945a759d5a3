using Autotune.Contracts;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

/// <summary>
/// A decision that moved several knobs together (minimum threads, max_connections and the pool, answering a collapse)
/// is judged and rolled back as one: every knob it raised comes back, the pool and threads in one tuning file first,
/// max_connections last and only when a restart is allowed, with the connection invariant kept in every state between,
/// each undone move barred, and all of it carried through status to an operator that restarts mid-change.
/// </summary>
public sealed class TogetherRollbackTests
{
    private const int OtherPool = 20;

    /// <summary>Another API on the server: (4 + 1) x 20 connections.</summary>
    private static readonly LedgerEntry Payments = new() { ApiId = "shop/payments", Replicas = 4, Surge = 1, PoolSize = OtherPool };

    /// <summary>Threads 16 -> 64, max_connections 200 -> 260, pool 10 -> 24, in that order, as a collapse recovery applies them.</summary>
    private static readonly KnobStep[] Raised =
    [
        new(Knob.ThreadPoolMinThreads, 16, 64),
        new(Knob.PostgresMaxConnections, 200, 260),
        new(Knob.DbMaxPoolSize, 10, 24),
    ];

    /// <summary>The settings the raise left in force: 3 replicas, threads 64, pool 24, max_connections 260.</summary>
    private static readonly Settings After = new(3, 64, 24, 260);

    /// <summary>
    /// The window the raise was decided on, ending 5 s before it (the restart the raise made came after it; a window that
    /// ends when a restart is decided counts as disturbed and the change would be kept unjudged).
    /// </summary>
    private static ObservedWindow Before() => Given.Healthy(Given.Now.AddMinutes(-3).AddSeconds(-5));

    /// <summary>The first full window after the raise took effect: at the same load, P99 rose 180 -> 320 ms.</summary>
    private static ObservedWindow Worse() => Given.Healthy() with
    {
        P99Ms = 320,
        ShareUnderObjective = 0.97,
        AppliedGenerationMin = 5,
        AppliedMinThreads = 64,
        AppliedPoolSize = 24,
    };

    /// <summary>The raise, applied together, confirmed as generation 5 and waiting to be judged.</summary>
    private static TuningState Pending() => TuningState.Empty with
    {
        Pending = new PendingChange
        {
            Knob = Knob.DbMaxPoolSize,
            From = 10,
            To = 24,
            Reason = DecisionReasons.RecoverFromCollapse,
            DecidedAt = Given.Now.AddMinutes(-3),
            ExpectedGeneration = 5,
            ConfirmedAt = Given.Now.AddSeconds(-90),
            Before = WindowSummary.Of(Before()),
            Steps = Raised,
        },
        History =
        [
            new HistoryEntry(new Decision
            {
                Kind = DecisionKind.Change,
                Bottleneck = Bottleneck.PoolExhaustion,
                Reason = DecisionReasons.RecoverFromCollapse,
                Message = "Raised together",
                Knob = Knob.DbMaxPoolSize,
                From = 10,
                To = 24,
                Time = Given.Now.AddMinutes(-3),
                Plan = [.. Raised.Select(s => new PlanStep(s.Knob, s.From, s.To, 0, int.MaxValue))],
                Together = true,
                RequiresRestart = true,
            }, WindowSummary.Of(Before())),
        ],
    };

    private static DatabaseState Database(int maxConnections = 260) =>
        new("db:5432", MaxConnections: maxConnections, SuperuserReserved: 3, Connections: 120, PendingRestart: false, PendingMaxConnections: null);

    private static PassInput Input(ApiTuningSpec? spec = null, TuningState? state = null, LedgerEntry? other = null, DateTimeOffset? now = null) => new()
    {
        ApiId = Given.Api,
        Spec = spec ?? Given.Spec(),
        Window = Worse(),
        DesiredReplicas = 3,
        ReadyReplicas = 3,
        Delivered = new TuningFile(5, 64, 24),
        Database = Database(),
        Server = new ServerView([other ?? Payments], [], 2),
        State = state ?? Pending(),
        Now = now ?? Given.Now,
    };

    [Fact]
    public void A_together_change_judged_worse_rolls_back_every_knob_it_moved()
    {
        var plan = TuningPass.Plan(Input());

        var d = plan.Decision;
        Assert.Equal((DecisionKind.Rollback, DecisionReasons.Rollback), (d.Kind, d.Reason));
        Assert.True(d.Together);
        Assert.Equal(
            [(Knob.ThreadPoolMinThreads, 64, 16), (Knob.DbMaxPoolSize, 24, 10), (Knob.PostgresMaxConnections, 260, 200)],
            d.Plan.Select(s => (s.Knob, s.From, s.To)));
        Assert.Equal((Knob.DbMaxPoolSize, 24, 10), (d.Knob, d.From, d.To));
        Assert.StartsWith("Rolled back together minimum threads 64 -> 16, Npgsql pool 24 -> 10, max_connections 260 -> 200: p99 rose", d.Message, StringComparison.Ordinal);

        // The pool and threads in one tuning file first, max_connections lowered last.
        var order = Assert.IsType<ApplyOrder.InTurn>(plan.Order);
        var file = Assert.IsType<ApplyOrder.DeliverTuning>(order.Orders[0]).File;
        Assert.Equal((16, 10, 6L), (file.ThreadPoolMinThreads, file.DbMaxPoolSize, file.Generation));
        var mc = Assert.IsType<ApplyOrder.SetMaxConnections>(order.Orders[1]);
        Assert.Equal((200, true), (mc.To, mc.RestartAllowed));
        Assert.Equal(2, order.Orders.Count);
    }

    [Fact]
    public void The_connection_invariant_holds_in_every_state_the_rollback_passes_through()
    {
        var plan = TuningPass.Plan(Input());
        var order = Assert.IsType<ApplyOrder.InTurn>(plan.Order);
        var reserved = 3 + 2 + 10;
        var others = (Payments.Replicas + Payments.Surge) * OtherPool;
        var (pool, maxConnections) = (24, 260);
        var busyPerPod = (int)Math.Ceiling(Worse().PoolUsage * pool);

        // Counted here from the orders alone: each pod swaps its pool live (the old pool's busy connections beside
        // the new pool), the surge pod opens the new pool, and max_connections in force is the limit.
        void Holds(string state, int peak) =>
            Assert.True(others + peak + reserved <= maxConnections, $"{state}: {others} + {peak} + {reserved} reserved > max_connections {maxConnections}");

        Holds("before", (3 + 1) * pool);
        foreach (var next in order.Orders)
        {
            switch (next)
            {
                case ApplyOrder.DeliverTuning deliver:
                    var to = deliver.File.DbMaxPoolSize!.Value;
                    Holds($"swapping the pool {pool} -> {to}", (3 * (busyPerPod + to)) + to);
                    pool = to;
                    break;
                case ApplyOrder.SetMaxConnections set:
                    maxConnections = set.To;
                    break;
            }

            Holds($"after {next.GetType().Name}", (3 + 1) * pool);
        }

        Assert.Equal((10, 200), (pool, maxConnections));
        Assert.All(plan.Decision.Plan, s => Assert.True(s.Fits, $"{s.Knob} {s.From} -> {s.To} needs {s.PeakDemand} of {s.Capacity}"));
    }

    [Fact]
    public void Max_connections_stays_raised_when_the_pools_now_on_the_server_need_it()
    {
        // Payments grew to (3 + 1) x 37 meanwhile: 148 + 96 of this API's fit in 260 - 15 reserved, but 148 + the 40 left
        // after the undo do not fit in 200 - 15, so max_connections may not fall.
        var plan = TuningPass.Plan(Input(other: Payments with { Replicas = 3, PoolSize = 37 }));

        var d = plan.Decision;
        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Equal([(Knob.ThreadPoolMinThreads, 64, 16), (Knob.DbMaxPoolSize, 24, 10)], d.Plan.Select(s => (s.Knob, s.From, s.To)));
        Assert.Contains("max_connections stays at 260: the connections held after the undo (188) need more than 200 leaves (185)", d.Message, StringComparison.Ordinal);
        var file = Assert.IsType<ApplyOrder.DeliverTuning>(Assert.Single(Assert.IsType<ApplyOrder.InTurn>(plan.Order).Orders)).File;
        Assert.Equal((16, 10), (file.ThreadPoolMinThreads, file.DbMaxPoolSize));
    }

    [Theory]
    [InlineData(RestartPolicy.Never, "the restart policy is Never")]
    [InlineData(RestartPolicy.Window, "the maintenance window is closed")]
    public void Max_connections_is_lowered_only_when_the_restart_policy_allows_a_restart_now(RestartPolicy restart, string why)
    {
        var spec = Given.Spec(restart: restart) is var s && restart == RestartPolicy.Window
            ? s with { Postgres = s.Postgres! with { MaintenanceWindow = new MaintenanceWindow { Days = ["Sun"], StartUtc = "02:00", DurationMinutes = 60 } } }
            : Given.Spec(restart: restart);

        var plan = TuningPass.Plan(Input(spec));

        var d = plan.Decision;
        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.DoesNotContain(d.Plan, s => s.Knob == Knob.PostgresMaxConnections);
        Assert.False(d.RequiresRestart);
        Assert.Contains($"max_connections stays at 260: lowering it takes a database restart and {why}", d.Message, StringComparison.Ordinal);
        Assert.IsType<ApplyOrder.DeliverTuning>(Assert.Single(Assert.IsType<ApplyOrder.InTurn>(plan.Order).Orders));
    }

    [Fact]
    public void Every_move_the_rollback_undoes_is_barred_and_the_rollback_is_in_flight_as_a_whole()
    {
        var plan = TuningPass.Plan(Input());
        var outcome = TuningPass.Complete(plan, ApplyReport.Done with { MaxConnections = new MaxConnectionsResult("db:5432", 260, 200, true, 200) });

        var state = outcome.State;
        Assert.Equal(
            [(Knob.ThreadPoolMinThreads, Direction.Up), (Knob.DbMaxPoolSize, Direction.Up), (Knob.PostgresMaxConnections, Direction.Up)],
            state.Barred.Select(b => (b.Knob, b.Direction)).OrderBy(b => b.Knob));
        var pending = state.Pending!;
        Assert.True(pending.IsRollback);
        Assert.Equal(6, pending.ExpectedGeneration);
        Assert.Equal([.. plan.Decision.Plan.Select(s => new KnobStep(s.Knob, s.From, s.To))], pending.Steps);

        // Once the pods report it, the rollback is kept (never itself rolled back), and a new collapse raise waits for the bars.
        var later = Given.Now.AddMinutes(3);
        var confirmed = TuningEngine.Decide(plan.Decided with
        {
            State = state,
            Window = Given.Healthy(later) with { AppliedGenerationMin = 6, AppliedMinThreads = 16, AppliedPoolSize = 10 },
            Current = new Settings(3, 16, 10, 200),
            Now = later,
        });
        Assert.NotEqual(DecisionKind.Rollback, confirmed.Kind);
        foreach (var (knob, from) in new[] { (Knob.ThreadPoolMinThreads, 16), (Knob.DbMaxPoolSize, 10), (Knob.PostgresMaxConnections, 200) })
        {
            var guard = DecisionBuilder.Guard(plan.Decided with { State = state, Now = later }, new PlanStep(knob, from, from + 10, 0, int.MaxValue), DecisionReasons.RecoverFromCollapse);
            Assert.Equal(DecisionReasons.MoveBarred, guard?.Reason);
        }
    }

    [Fact]
    public void A_rollback_whose_restart_fails_after_its_tuning_file_is_in_flight_for_what_it_undid()
    {
        var plan = TuningPass.Plan(Input());
        var report = ApplyReport.Failed("SHOW max_connections reads 260, not 200") with
        {
            Carried = 1,
            MaxConnections = new MaxConnectionsResult("db:5432", 260, 200, true, 260),
        };

        var outcome = TuningPass.Complete(plan, report);

        Assert.True(outcome.Applied);
        Assert.Equal(6, outcome.State.Pending!.ExpectedGeneration);
        Assert.Equal([Knob.ThreadPoolMinThreads, Knob.DbMaxPoolSize], outcome.State.Pending.Steps.Select(s => s.Knob));
        Assert.DoesNotContain(outcome.State.Barred, b => b.Knob == Knob.PostgresMaxConnections);
        Assert.Contains(outcome.Events, e => e.Reason == DecisionReasons.Rollback);
        Assert.Contains(outcome.Events, e => e.Reason == EventReasons.ApplyFailed && e.Message.Contains("applied only in part", StringComparison.Ordinal));
    }

    [Fact]
    public void Status_carries_the_whole_change_so_a_restarted_operator_judges_and_rolls_it_back_as_one()
    {
        // What the status builder records of the raise: the lead knob, and every step.
        var status = new ApiTuningStatus
        {
            Conditions =
            [
                new StatusCondition { Type = ConditionTypes.Tuning, Status = ConditionStatus.True, Reason = ConditionReasons.ChangeInFlight, Message = "in flight", LastTransitionTime = Given.Now.AddMinutes(-3) },
            ],
            LastDecision = new DecisionRecord
            {
                Time = Given.Now.AddMinutes(-3),
                Kind = DecisionKind.Change,
                Knob = Knob.DbMaxPoolSize,
                From = 10,
                To = 24,
                Steps = [.. Raised.Select(s => new DecisionStepRecord { Knob = s.Knob, From = s.From, To = s.To })],
                Reason = DecisionReasons.RecoverFromCollapse,
                Message = "Raised together",
            },
        };

        var resumed = StatusResume.From(status, deliveredGeneration: 5);

        Assert.Equal(Raised, resumed.Pending!.Steps);
        Assert.Equal(5, resumed.Pending.ExpectedGeneration);

        // Resumed without its baseline window, it is accepted once confirmed; with one (this operator saw the window
        // before), it is judged and rolled back whole.
        var judged = TuningPass.Plan(Input(state: resumed with { Pending = resumed.Pending with { Before = WindowSummary.Of(Before()), ConfirmedAt = Given.Now.AddSeconds(-90) } }));
        Assert.Equal(DecisionKind.Rollback, judged.Decision.Kind);
        Assert.Equal([Knob.ThreadPoolMinThreads, Knob.DbMaxPoolSize, Knob.PostgresMaxConnections], judged.Decision.Plan.Select(s => s.Knob));
        var rolledBack = TuningPass.Complete(judged, ApplyReport.Done with { MaxConnections = new MaxConnectionsResult("db:5432", 260, 200, true, 200) });

        // The rollback in flight survives a restart too: resumed from its record, it stays a rollback of every step.
        var record = new DecisionRecord
        {
            Time = Given.Now,
            Kind = DecisionKind.Rollback,
            Knob = rolledBack.Decision.Knob,
            From = rolledBack.Decision.From,
            To = rolledBack.Decision.To,
            Steps = [.. rolledBack.Decision.Plan.Select(s => new DecisionStepRecord { Knob = s.Knob, From = s.From, To = s.To })],
            Reason = DecisionReasons.Rollback,
            Message = rolledBack.Decision.Message,
        };
        var again = StatusResume.From(status with { LastDecision = record, History = [record], Learned = LearnedState.ToStatus(rolledBack.State) }, deliveredGeneration: 6);
        Assert.True(again.Pending!.IsRollback);
        Assert.Equal(rolledBack.State.Pending!.Steps, again.Pending.Steps);
        Assert.Equal(3, again.Barred.Count);
        Assert.True(again.History[0].Decision.RequiresRestart);
    }

    [Fact]
    public void A_single_knob_rollback_still_undoes_only_its_knob()
    {
        var state = Given.Confirmed(TuningState.Empty, Knob.DbMaxPoolSize, 10, 24, DecisionReasons.RaisePool, Before());

        var plan = TuningPass.Plan(Input(state: state));

        Assert.Equal(DecisionKind.Rollback, plan.Decision.Kind);
        Assert.False(plan.Decision.Together);
        Assert.Equal((Knob.DbMaxPoolSize, 24, 10), (plan.Decision.Knob, plan.Decision.From, plan.Decision.To));
        var file = Assert.IsType<ApplyOrder.DeliverTuning>(plan.Order).File;
        Assert.Equal((64, 10), (file.ThreadPoolMinThreads, file.DbMaxPoolSize));
        var next = TuningPass.Complete(plan, ApplyReport.Done).State;
        Assert.Equal((Knob.DbMaxPoolSize, Direction.Up), Assert.Single(next.Barred) is var b ? (b.Knob, b.Direction) : default);
    }
}
