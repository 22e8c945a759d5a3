using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Tests.Reconcile;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes;

public sealed class StatusBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_hpa_owning_the_replicas_sets_ReplicasManagedElsewhere_and_keeps_its_transition_time()
    {
        var resource = Resource(null);
        var hpa = Workload(canScale: false) with { DesiredReplicas = 3, ReadyReplicas = 3, ScaleNote = "replicas of Deployment orders-api are managed by HorizontalPodAutoscaler orders-hpa; autotune leaves them alone and tunes the other knobs" };

        var first = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(hpa, Hold()), T0);
        resource.Status = first;
        var second = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(hpa, Hold()), T0.AddMinutes(1));

        var condition = Assert.Single(second.Conditions, c => c.Type == ConditionTypes.ReplicasManagedElsewhere);
        Assert.Equal(ConditionStatus.True, condition.Status);
        Assert.Contains("orders-hpa", condition.Message, StringComparison.Ordinal);
        Assert.Equal(T0, condition.LastTransitionTime);
        Assert.Equal(7, second.ObservedGeneration);
        Assert.All(second.Conditions, c => Assert.Equal(7, c.ObservedGeneration));
    }

    [Fact]
    public void A_condition_whose_status_changes_gets_a_new_transition_time()
    {
        var resource = Resource(null);
        resource.Status = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(), Hold()), T0);

        var next = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(canScale: false), Hold()), T0.AddMinutes(2));

        Assert.Equal(T0.AddMinutes(2), next.Conditions.Single(c => c.Type == ConditionTypes.ReplicasManagedElsewhere).LastTransitionTime);
        Assert.Equal(T0, next.Conditions.Single(c => c.Type == ConditionTypes.Ready).LastTransitionTime);
    }

    [Fact]
    public void An_applied_change_becomes_the_last_decision_and_heads_a_bounded_history()
    {
        var resource = Resource(null);
        var history = Enumerable.Range(0, ApiTuningStatus.HistoryLimit).Select(i => new DecisionRecord { Time = T0.AddMinutes(-i), Kind = DecisionKind.Change, Reason = "AddReplicas", Message = "old" }).ToList();
        resource.Status = new ApiTuningStatus { History = history };
        var change = new Decision { Kind = DecisionKind.Change, Bottleneck = Bottleneck.ThreadStarvation, Reason = "RaiseMinThreads", Message = "min threads 8 -> 16", Knob = Knob.ThreadPoolMinThreads, From = 8, To = 16 };

        var status = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(), change, applied: true), T0.AddMinutes(1));

        Assert.Equal((DecisionKind.Change, Knob.ThreadPoolMinThreads, 8, 16), (status.LastDecision!.Kind, status.LastDecision.Knob!.Value, status.LastDecision.From!.Value, status.LastDecision.To!.Value));
        Assert.Equal(ApiTuningStatus.HistoryLimit, status.History.Count);
        Assert.Equal("RaiseMinThreads", status.History[0].Reason);
        Assert.Equal(Bottleneck.ThreadStarvation, status.Bottleneck);
    }

    [Fact]
    public void A_change_that_failed_to_apply_is_not_recorded_as_a_decision()
    {
        var resource = Resource(null);
        var change = new Decision { Kind = DecisionKind.Change, Bottleneck = Bottleneck.ThreadStarvation, Reason = "RaiseMinThreads", Message = "min threads 8 -> 16", Knob = Knob.ThreadPoolMinThreads, From = 8, To = 16 };

        var status = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(), change, applied: false), T0);

        Assert.Null(status.LastDecision);
        Assert.Empty(status.History);
    }

    [Fact]
    public void InvalidSpec_names_the_field_and_makes_Ready_false()
    {
        var status = ApiTuningStatusBuilder.InvalidSpec(Resource(null), "spec.knobs.replicas: min 5 is above max 3", T0);

        Assert.Equal(ConditionStatus.True, status.Conditions.Single(c => c.Type == ConditionTypes.InvalidSpec).Status);
        Assert.Contains("spec.knobs.replicas", status.Conditions.Single(c => c.Type == ConditionTypes.InvalidSpec).Message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.False, status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Status);
    }

    [Fact]
    public void A_max_connections_raise_advised_under_restart_Never_sets_PendingRestart_with_the_numbers_until_the_server_runs_it()
    {
        var resource = Resource(null);
        resource.Spec = KubeTestCluster.Spec(change: s => s with
        {
            Postgres = new PostgresSpec { AdminSecretRef = new SecretKeyRef { Name = "pg-admin" }, Restart = RestartPolicy.Never },
        });
        var advise = new Decision { Kind = DecisionKind.Recommend, Bottleneck = Bottleneck.PoolExhaustion, Reason = "RaiseMaxConnections", Message = "Recommend raising max_connections 20 -> 48", Knob = Knob.PostgresMaxConnections, From = 20, To = 48 };
        var running20 = new DatabaseState("127.0.0.1:5432", 20, 3, 18, false, null);

        resource.Status = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(), advise, database: running20), T0);
        var advised = resource.Status.Conditions.Single(c => c.Type == ConditionTypes.PendingRestart);
        resource.Status = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(), Hold(), database: running20), T0.AddSeconds(10));
        var held = resource.Status.Conditions.Single(c => c.Type == ConditionTypes.PendingRestart);
        var restarted = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(), Hold(), database: running20 with { MaxConnections = 48 }), T0.AddSeconds(20))
            .Conditions.Single(c => c.Type == ConditionTypes.PendingRestart);

        Assert.Equal((ConditionStatus.True, "RestartPolicyNever"), (advised.Status, advised.Reason));
        Assert.Contains("max_connections 20 -> 48", advised.Message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.True, held.Status);
        Assert.Equal(advised.LastTransitionTime, held.LastTransitionTime);
        Assert.Equal(ConditionStatus.False, restarted.Status);
    }

    [Fact]
    public void What_the_engine_learned_is_written_and_kept_by_a_pass_that_learned_nothing()
    {
        var resource = Resource(null);
        var outcome = Outcome(Workload(), Hold());
        var learned = outcome with
        {
            State = outcome.State with
            {
                Baseline = new ServiceBaseline(3.5, 1.2),
                Knees = [new KnobKnee { Knob = Knob.ThreadPoolMinThreads, Knee = 144, LoadRps = 15_000 }],
            },
        };

        resource.Status = ApiTuningStatusBuilder.FromOutcome(resource, learned, T0);
        var kept = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(), Hold()), T0.AddMinutes(1));

        Assert.Equal(3.5, resource.Status.Learned?.Baseline?.ServiceMs);
        Assert.Equal((Knob.ThreadPoolMinThreads, 144), (resource.Status.Learned!.Knees[0].Knob, resource.Status.Learned.Knees[0].Knee));
        Assert.Equal(resource.Status.Learned, kept.Learned);
    }

    [Fact]
    public void A_barred_move_is_written_to_status_and_a_restarted_operator_resumes_it()
    {
        var resource = Resource(null);
        var outcome = Outcome(Workload(), Hold());
        var bar = new BarredMove(Knob.DbMaxPoolSize, Direction.Up, T0.AddHours(1), "Rolled back Npgsql pool 20 -> 10: p99 rose 8 ms -> 40 ms");

        resource.Status = ApiTuningStatusBuilder.FromOutcome(resource, outcome with { State = outcome.State with { Barred = [bar] } }, T0);
        var resumed = StatusResume.From(resource.Status, deliveredGeneration: null, now: T0.AddMinutes(5));

        var written = Assert.Single(resource.Status.Learned!.Barred);
        Assert.Equal((Knob.DbMaxPoolSize, BarredDirection.Up, T0.AddHours(1)), (written.Knob, written.Direction, written.Until));
        Assert.Equal(bar, Assert.Single(resumed.Barred));
    }

    [Fact]
    public void A_change_applied_together_is_recorded_with_every_step_and_a_restarted_operator_resumes_it_whole()
    {
        var resource = Resource(null);
        var raise = new Decision
        {
            Kind = DecisionKind.Change,
            Bottleneck = Bottleneck.PoolExhaustion,
            Reason = "RecoverFromCollapse",
            Message = "Raised together minimum threads 2 -> 17, max_connections 20 -> 40, Npgsql pool 4 -> 16",
            Knob = Knob.DbMaxPoolSize,
            From = 4,
            To = 16,
            Together = true,
            RequiresRestart = true,
            Plan =
            [
                new PlanStep(Knob.ThreadPoolMinThreads, 2, 17, 0, 100),
                new PlanStep(Knob.PostgresMaxConnections, 20, 40, 0, 100),
                new PlanStep(Knob.DbMaxPoolSize, 4, 16, 0, 100),
            ],
        };

        var status = ApiTuningStatusBuilder.FromOutcome(resource, Outcome(Workload(), raise, applied: true), T0);
        var stored = KubernetesJson.Deserialize<ApiTuningStatus>(KubernetesJson.Serialize(status));
        var resumed = StatusResume.From(stored, deliveredGeneration: 4, now: T0.AddMinutes(1));

        Assert.Equal(
            [(Knob.ThreadPoolMinThreads, 2, 17), (Knob.PostgresMaxConnections, 20, 40), (Knob.DbMaxPoolSize, 4, 16)],
            stored.LastDecision!.Steps!.Select(s => (s.Knob, s.From, s.To)));
        Assert.Equal(stored.LastDecision.Steps, stored.History[0].Steps);
        Assert.Contains("ThreadPoolMinThreads 2 -> 17, PostgresMaxConnections 20 -> 40, DbMaxPoolSize 4 -> 16 (RecoverFromCollapse)",
            status.Conditions.Single(c => c.Type == ConditionTypes.Tuning).Message, StringComparison.Ordinal);
        Assert.Equal((Knob.DbMaxPoolSize, 4, 16, 4L), (resumed.Pending!.Knob, resumed.Pending.From, resumed.Pending.To, resumed.Pending.ExpectedGeneration));
        Assert.Equal(raise.Plan.Select(s => new KnobStep(s.Knob, s.From, s.To)), resumed.Pending.Steps);
        Assert.True(resumed.History[0].Decision.RequiresRestart);
    }

    [Fact]
    public void A_change_of_one_knob_records_no_steps()
    {
        var change = new Decision { Kind = DecisionKind.Change, Bottleneck = Bottleneck.ThreadStarvation, Reason = "RaiseMinThreads", Message = "min threads 8 -> 16", Knob = Knob.ThreadPoolMinThreads, From = 8, To = 16 };

        var status = ApiTuningStatusBuilder.FromOutcome(Resource(null), Outcome(Workload(), change, applied: true), T0);

        Assert.Null(status.LastDecision!.Steps);
        Assert.DoesNotContain("steps", KubernetesJson.Serialize(status), StringComparison.Ordinal);
    }

    private static ApiTuningResource Resource(ApiTuningStatus? status) => new()
    {
        Metadata = new V1ObjectMeta { Name = "orders", NamespaceProperty = "shop", Generation = 7 },
        Spec = KubeTestCluster.Spec(),
        Status = status,
    };

    private static PassInput Workload(bool canScale = true) => new()
    {
        ApiId = "shop/orders",
        Spec = KubeTestCluster.Spec(),
        DesiredReplicas = 2,
        ReadyReplicas = 2,
        CanScale = canScale,
        ScaleNote = canScale ? null : "managed by HorizontalPodAutoscaler x",
        Now = PassOutcomes.Now,
    };

    private static Decision Hold() => new() { Kind = DecisionKind.Hold, Bottleneck = Bottleneck.None, Reason = "ObjectiveMet", Message = "P99 120 ms under 250 ms" };

    private static PassOutcome Outcome(PassInput workload, Decision decision, bool applied = false, DatabaseState? database = null) =>
        PassOutcomes.Outcome(workload with { Database = database }, decision, applied);
}
