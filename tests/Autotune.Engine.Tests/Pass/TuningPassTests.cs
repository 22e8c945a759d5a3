using Autotune.Contracts;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Pass;

/// <summary>The rules that live in the pass, around the engine's decision: each one a host used to apply itself.</summary>
public sealed class TuningPassTests
{
    private static readonly DatabaseState Database = new("db:5432", MaxConnections: 200, SuperuserReserved: 3, Connections: 40, PendingRestart: false, PendingMaxConnections: null);

    [Fact]
    public void Holds_an_action_while_another_member_of_the_server_has_not_recorded_what_it_holds()
    {
        var plan = TuningPass.Plan(Input(Given.PoolExhausted()) with { Server = new ServerView([], ["shop/payments"], 2) });

        Assert.Equal((DecisionKind.Hold, DecisionReasons.AwaitingLedger), (plan.Decision.Kind, plan.Decision.Reason));
        Assert.Contains("shop/payments share db:5432", plan.Decision.Message, StringComparison.Ordinal);
        Assert.Null(plan.Decision.Claim);
        Assert.Null(plan.Order);
    }

    [Fact]
    public void Acts_once_every_member_of_the_server_has_recorded_what_it_holds()
    {
        var others = new LedgerEntry { ApiId = "shop/payments", Replicas = 4, Surge = 1, PoolSize = 20 };
        var plan = TuningPass.Plan(Input(Given.PoolExhausted()) with { Server = new ServerView([others], [], 2) });

        Assert.Equal((DecisionKind.Change, DecisionReasons.RaisePool), (plan.Decision.Kind, plan.Decision.Reason));
        var deliver = Assert.IsType<ApplyOrder.DeliverTuning>(plan.Order);
        Assert.Equal(plan.Decision.To, deliver.File.DbMaxPoolSize);
        Assert.Equal(16, deliver.File.ThreadPoolMinThreads);
        Assert.Equal(8, deliver.File.Generation);
    }

    [Fact]
    public void A_change_in_flight_is_not_held_for_members_the_server_still_awaits()
    {
        var before = TuningPass.Plan(Input(Given.PoolExhausted()));
        var applied = TuningPass.Complete(before, ApplyReport.Done);

        var next = TuningPass.Plan(Input(Given.PoolExhausted(), applied.State) with { Server = new ServerView([], ["shop/payments"], 2) });

        Assert.NotEqual(DecisionReasons.AwaitingLedger, next.Decision.Reason);
    }

    [Fact]
    public void An_apply_that_failed_is_a_hold_with_nothing_in_flight_and_an_ApplyFailed_Event()
    {
        var plan = TuningPass.Plan(Input(Given.PoolExhausted()));
        Assert.True(plan.Decision.IsAction);

        var outcome = TuningPass.Complete(plan, ApplyReport.Failed("ConfigMap write refused"));

        Assert.False(outcome.Applied);
        Assert.Null(outcome.State.Pending);
        Assert.Equal($"{DecisionReasons.RaisePool} could not be applied: ConfigMap write refused", outcome.ApplyError);
        var failed = Assert.Single(outcome.Events);
        Assert.Equal((TuningEvent.Warning, EventReasons.ApplyFailed), (failed.Type, failed.Reason));
        Assert.Empty(outcome.State.History);
        Assert.Equal(new LedgerChange.Hold(new LedgerEntry { ApiId = Given.Api, Replicas = 3, Surge = 1, PoolSize = 10 }), outcome.Ledger);
    }

    [Fact]
    public void An_applied_change_is_in_flight_its_claim_is_held_and_its_Event_told()
    {
        var plan = TuningPass.Plan(Input(Given.PoolExhausted()));

        var outcome = TuningPass.Complete(plan, ApplyReport.Done);

        Assert.True(outcome.Applied);
        Assert.Equal((Knob.DbMaxPoolSize, 8L), (outcome.State.Pending!.Knob, outcome.State.Pending.ExpectedGeneration));
        Assert.Equal(new LedgerChange.Hold(plan.Decision.Claim!), outcome.Ledger);
        Assert.Equal(DecisionReasons.RaisePool, Assert.Single(outcome.Events).Reason);
    }

    [Fact]
    public void A_refusal_is_told_once_not_every_window()
    {
        var budget = Given.Spec() with { Knobs = Given.Spec().Knobs with { DbMaxPoolSize = new KnobBudget { Min = 5, Max = 10 }, PostgresMaxConnections = null } };
        var first = TuningPass.Complete(TuningPass.Plan(Input(Given.PoolExhausted()) with { Spec = budget }), ApplyReport.Nothing);
        var second = TuningPass.Complete(TuningPass.Plan(Input(Given.PoolExhausted(), first.State) with { Spec = budget }), ApplyReport.Nothing);

        Assert.True(PassEvents.IsRefusal(first.Decision.Reason), first.Decision.Reason);
        Assert.Single(first.Events);
        Assert.Empty(second.Events);
    }

    [Fact]
    public void An_unreadable_database_turns_the_pool_and_max_connections_into_advice_and_says_why()
    {
        var outcome = TuningPass.Complete(TuningPass.Plan(Input(Given.PoolExhausted()) with { Database = null, DatabaseError = "PostgreSQL could not be read" }), ApplyReport.Nothing);

        Assert.NotEqual(DecisionKind.Change, outcome.Decision.Kind);
        Assert.Null(outcome.Plan.Order);
        Assert.Null(outcome.Plan.Decided.Ledger);
        Assert.Equal(KnobMode.Recommend, outcome.Plan.Decided.Spec.Knobs.DbMaxPoolSize!.Mode);
        Assert.Contains(outcome.Events, e => e.Reason == EventReasons.DatabaseUnreachable);
        Assert.Equal(LedgerChange.Keep, outcome.Ledger);
    }

    [Fact]
    public void Replicas_an_autoscaler_owns_are_advised_and_the_note_told_once()
    {
        var input = Input(Given.Healthy()) with { CanScale = false, ScaleNote = "managed by HorizontalPodAutoscaler orders" };

        var first = TuningPass.Complete(TuningPass.Plan(input), ApplyReport.Nothing);
        var second = TuningPass.Complete(TuningPass.Plan(input with { State = first.State }), ApplyReport.Nothing);

        Assert.Equal(KnobMode.Recommend, first.Plan.Decided.Spec.Knobs.Replicas!.Mode);
        Assert.Contains(first.Events, e => e.Reason == EventReasons.ReplicasRecommendedOnly);
        Assert.DoesNotContain(second.Events, e => e.Reason == EventReasons.ReplicasRecommendedOnly);
    }

    [Theory]
    [InlineData(RestartPolicy.Immediate, true, null)]
    [InlineData(RestartPolicy.Never, false, "the restart policy is Never")]
    [InlineData(RestartPolicy.Window, false, "the maintenance window is closed")]
    public void A_max_connections_order_carries_whether_the_restart_policy_allows_a_restart_now(RestartPolicy policy, bool allowed, string? refused)
    {
        var spec = Given.Spec(restart: policy);
        spec = spec with { Postgres = spec.Postgres! with { MaintenanceWindow = new MaintenanceWindow { Days = ["Sat"], StartUtc = "02:00", DurationMinutes = 60 } } };
        var decision = new Decision { Kind = DecisionKind.Change, Bottleneck = Bottleneck.PoolExhaustion, Reason = DecisionReasons.RaiseMaxConnections, Message = "raise", Knob = Knob.PostgresMaxConnections, From = 200, To = 260 };

        var order = TuningPass.OrderFor(Input(null) with { Spec = spec }, null, Given.Settings(), decision);

        Assert.Equal(new ApplyOrder.SetMaxConnections(260, allowed, refused), order);
    }

    [Fact]
    public void What_a_max_connections_change_found_is_told_pending_or_confirmed()
    {
        var decision = new Decision { Kind = DecisionKind.Change, Bottleneck = Bottleneck.PoolExhaustion, Reason = DecisionReasons.RaiseMaxConnections, Message = "raise", Knob = Knob.PostgresMaxConnections, From = 200, To = 260 };
        PassOutcome Run(RestartPolicy policy, MaxConnectionsResult found)
        {
            var input = Input(null) with { Spec = Given.Spec(restart: policy) };
            var plan = new PassPlan
            {
                Input = input,
                Current = Given.Settings(),
                Decided = Given.Input(spec: input.Spec),
                Decision = decision,
                Order = TuningPass.OrderFor(input, null, Given.Settings(), decision),
            };
            return TuningPass.Complete(plan, ApplyReport.Done with { MaxConnections = found });
        }

        var pending = Run(RestartPolicy.Never, new MaxConnectionsResult("db:5432", 200, 260, Restarted: false, ReadBack: 200));
        var confirmed = Run(RestartPolicy.Immediate, new MaxConnectionsResult("db:5432", 200, 260, Restarted: true, ReadBack: 260));
        var refused = Run(RestartPolicy.Immediate, new MaxConnectionsResult("db:5432", 200, 260, Restarted: true, ReadBack: 200));

        Assert.Contains(pending.Events, e => e.Reason == EventReasons.PendingRestart && e.Message == "max_connections 200 -> 260 set with ALTER SYSTEM and waits for a restart of db:5432: the restart policy is Never");
        Assert.Contains(confirmed.Events, e => e is { Type: TuningEvent.Normal, Reason: EventReasons.RestartedDatabase } && e.Message.EndsWith("confirms 260", StringComparison.Ordinal));
        Assert.Contains(refused.Events, e => e is { Type: TuningEvent.Warning, Reason: EventReasons.RestartedDatabase });
    }

    [Fact]
    public void Resumes_a_change_the_tuning_file_shows_and_status_never_recorded_and_tells_it_once()
    {
        var status = new ApiTuningStatus { Current = new KnobValues { Replicas = 3, ThreadPoolMinThreads = 16, DbMaxPoolSize = 10 } };

        var state = StatusResume.From(status, new TuningFile(5, 16, 24), Given.Now);
        var events = StatusResume.Events(state, Given.Now);

        Assert.Equal((Knob.DbMaxPoolSize, 10, 24, 5L, DecisionReasons.ResumedChange), (state.Pending!.Knob, state.Pending.From, state.Pending.To, state.Pending.ExpectedGeneration, state.Pending.Reason));
        Assert.Equal(DecisionReasons.ResumedChange, Assert.Single(events).Reason);
        var next = TuningPass.Plan(Input(Given.PoolExhausted(), state));
        Assert.Null(next.Order);
    }

    [Fact]
    public void A_change_made_on_a_backlog_turns_shedding_on_at_the_objective_and_a_delivered_deadline_is_kept()
    {
        // A collapse: 1,500 items queued per pod, standing; measured live (bench/results/live-recovery.md), a collapsed
        // API serves again within seconds of its settings being fixed only when requests past their deadline are shed.
        var backlog = Given.PoolExhausted() with { QueueDepthMean = 1500, QueueDepthMax = 1900, QueueDepthSlopePerSecond = 0 };

        var turnedOn = Assert.IsType<ApplyOrder.DeliverTuning>(TuningPass.Plan(Input(backlog)).Order);
        var kept = Assert.IsType<ApplyOrder.DeliverTuning>(TuningPass.Plan(Input(backlog) with { Delivered = new TuningFile(7, 16, 10, ShedAfterMilliseconds: 400) }).Order);
        var calm = Assert.IsType<ApplyOrder.DeliverTuning>(TuningPass.Plan(Input(Given.PoolExhausted())).Order);

        Assert.Equal(250, turnedOn.File.ShedAfterMilliseconds);
        Assert.Equal(400, kept.File.ShedAfterMilliseconds);
        Assert.Null(calm.File.ShedAfterMilliseconds);
    }

    [Fact]
    public void Settings_in_force_come_from_the_workload_the_delivered_file_and_SHOW()
    {
        var window = Given.Healthy() with { AppliedMinThreads = 12, AppliedPoolSize = 9 };

        Assert.Equal(new Settings(3, 16, 10, 200), SettingsInForce.Of(3, new TuningFile(7, 16, 10), window, Database));
        Assert.Equal(new Settings(3, 12, 9, null), SettingsInForce.Of(3, null, window, null));
    }

    private static PassInput Input(ObservedWindow? window, TuningState? state = null) => new()
    {
        ApiId = Given.Api,
        Spec = Given.Spec(),
        Window = window,
        DesiredReplicas = 3,
        ReadyReplicas = 3,
        Delivered = new TuningFile(7, 16, 10),
        Database = Database,
        State = state ?? TuningState.Empty,
        Now = Given.Now,
    };
}
