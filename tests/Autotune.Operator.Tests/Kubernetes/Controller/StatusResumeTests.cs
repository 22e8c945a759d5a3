using Autotune.Contracts;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Spec;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

public sealed class StatusResumeTests
{
    private static readonly DateTimeOffset Decided = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static readonly DecisionRecord Raise = new()
    {
        Time = Decided,
        Kind = DecisionKind.Change,
        Knob = Knob.ThreadPoolMinThreads,
        From = 8,
        To = 32,
        Bottleneck = Bottleneck.ThreadStarvation,
        Reason = "RaiseMinThreads",
        Message = "minimum threads 8 -> 32",
    };

    [Fact]
    public void A_change_in_flight_is_resumed_as_pending_with_the_delivered_generation_so_it_is_judged_not_made_again()
    {
        var status = new ApiTuningStatus
        {
            Conditions = [Condition(ConditionTypes.Tuning, ConditionStatus.True)],
            LastDecision = Raise,
            History = [Raise],
        };

        var state = StatusResume.From(status, deliveredGeneration: 7);

        var pending = Assert.IsType<PendingChange>(state.Pending);
        Assert.Equal((Knob.ThreadPoolMinThreads, 8, 32, 7L, Decided), (pending.Knob, pending.From, pending.To, pending.ExpectedGeneration, pending.DecidedAt));
        Assert.Equal("RaiseMinThreads", Assert.Single(state.History).Decision.Reason);
    }

    [Fact]
    public void Without_a_change_in_flight_only_the_history_is_resumed()
    {
        var status = new ApiTuningStatus
        {
            Conditions = [Condition(ConditionTypes.Tuning, ConditionStatus.False)],
            LastDecision = Raise,
            History = [Raise],
        };

        var state = StatusResume.From(status, deliveredGeneration: 7);

        Assert.Null(state.Pending);
        Assert.Single(state.History);
        Assert.Same(TuningState.Empty, StatusResume.From(null, null));
    }

    [Fact]
    public void A_replicas_change_in_flight_is_confirmed_by_value_not_by_a_tuning_generation()
    {
        var scale = Raise with { Knob = Knob.Replicas, From = 2, To = 3, Reason = "AddReplicas" };
        var status = new ApiTuningStatus { Conditions = [Condition(ConditionTypes.Tuning, ConditionStatus.True)], LastDecision = scale };

        var pending = StatusResume.From(status, deliveredGeneration: 7).Pending;

        Assert.Equal((Knob.Replicas, (long?)null), (pending?.Knob, pending?.ExpectedGeneration));
    }

    [Fact]
    public void A_change_the_tuning_ConfigMap_holds_and_status_never_recorded_is_resumed_in_flight_and_in_the_history()
    {
        // The pass applied pool 2 -> 10 (generation 4) and its operator stopped before the status write.
        var status = new ApiTuningStatus
        {
            Conditions = [Condition(ConditionTypes.Tuning, ConditionStatus.False)],
            Current = new KnobValues { Replicas = 1, DbMaxPoolSize = 2, ThreadPoolMinThreads = 8 },
            LastDecision = Raise,
            History = [Raise],
        };

        var state = StatusResume.From(status, new TuningFile(4, ThreadPoolMinThreads: 8, DbMaxPoolSize: 10), Decided.AddMinutes(5).AddMilliseconds(300));

        var pending = Assert.IsType<PendingChange>(state.Pending);
        Assert.Equal((Knob.DbMaxPoolSize, 2, 10, 4L, Autotune.Engine.Decisions.DecisionReasons.ResumedChange), (pending.Knob, pending.From, pending.To, pending.ExpectedGeneration, pending.Reason));
        Assert.Equal(Decided.AddMinutes(5), pending.DecidedAt);
        Assert.Equal([Autotune.Engine.Decisions.DecisionReasons.ResumedChange, "RaiseMinThreads"], state.History.Select(h => h.Decision.Reason));
    }

    [Fact]
    public void A_change_the_ConfigMap_holds_past_the_one_status_has_in_flight_is_resumed_in_its_place_and_recorded()
    {
        // Status says 8 -> 32 is in flight; the pass that judged it then applied 32 -> 64 (generation 5) and its operator
        // was killed before the status write.
        var status = new ApiTuningStatus
        {
            Conditions = [Condition(ConditionTypes.Tuning, ConditionStatus.True)],
            Current = new KnobValues { Replicas = 1, ThreadPoolMinThreads = 8 },
            LastDecision = Raise,
            History = [Raise],
        };

        var state = StatusResume.From(status, new TuningFile(5, ThreadPoolMinThreads: 64, DbMaxPoolSize: null), Decided.AddMinutes(3));

        var pending = Assert.IsType<PendingChange>(state.Pending);
        Assert.Equal((Knob.ThreadPoolMinThreads, 32, 64, 5L, Autotune.Engine.Decisions.DecisionReasons.ResumedChange), (pending.Knob, pending.From, pending.To, pending.ExpectedGeneration, pending.Reason));
        Assert.Equal([Autotune.Engine.Decisions.DecisionReasons.ResumedChange, "RaiseMinThreads"], state.History.Select(h => h.Decision.Reason));
        Assert.Equal((32, 64), (state.History[0].Decision.From, state.History[0].Decision.To));
    }

    [Fact]
    public void A_change_in_flight_that_the_ConfigMap_holds_is_resumed_as_status_names_it()
    {
        var status = new ApiTuningStatus
        {
            Conditions = [Condition(ConditionTypes.Tuning, ConditionStatus.True)],
            Current = new KnobValues { Replicas = 1, ThreadPoolMinThreads = 8 },
            LastDecision = Raise,
            History = [Raise],
        };

        var state = StatusResume.From(status, new TuningFile(4, ThreadPoolMinThreads: 32, DbMaxPoolSize: null), Decided.AddMinutes(1));

        Assert.Equal((Knob.ThreadPoolMinThreads, 8, 32, 4L, "RaiseMinThreads"), (state.Pending!.Knob, state.Pending.From, state.Pending.To, state.Pending.ExpectedGeneration, state.Pending.Reason));
        Assert.Single(state.History);
    }

    [Fact]
    public void A_tuning_ConfigMap_that_holds_what_status_saw_in_force_resumes_nothing_more()
    {
        var status = new ApiTuningStatus
        {
            Conditions = [Condition(ConditionTypes.Tuning, ConditionStatus.False)],
            Current = new KnobValues { Replicas = 1, DbMaxPoolSize = 10, ThreadPoolMinThreads = 32 },
            LastDecision = Raise,
            History = [Raise],
        };

        var state = StatusResume.From(status, new TuningFile(4, ThreadPoolMinThreads: 32, DbMaxPoolSize: 10), Decided);

        Assert.Null(state.Pending);
        Assert.Single(state.History);
        Assert.Null(StatusResume.From(status, null, Decided).Pending);
    }

    private static StatusCondition Condition(string type, ConditionStatus status) => new()
    {
        Type = type,
        Status = status,
        LastTransitionTime = Decided,
        Reason = "ChangeInFlight",
        Message = "in flight",
    };
}
