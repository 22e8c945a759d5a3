using System.Reflection;
using Autotune.Engine.Decisions;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Spec;
using Xunit;

namespace Autotune.Engine.Tests.Pass;

/// <summary>Every reason a decision, an Event or a condition gives is defined once, and documented.</summary>
public sealed class ReasonTests
{
    private static readonly string[] Decisions =
    [
        "Paused", "NoData", "StaleData", "TooFewScrapes", "TooLittleTraffic", "MissingPods",
        "AwaitingConfirmation", "AwaitingWarmup", "ChangeNotConfirmed", "Cooldown", "MoveBarred", "ReversalSuppressed",
        "AtBudgetLimit", "KnobNotManaged", "BudgetExhausted", "WaitingForMaintenanceWindow", "Stabilizing", "ObjectiveMet",
        "NoRemedy", "DatabaseSaturated", "AwaitingLedger", "KneeReached",
        "RaiseMinThreads", "RaisePool", "RaiseMaxConnections", "ShrinkPool", "AddReplicas", "ShrinkPoolForReplicas",
        "GiveBackCapacity", "ConsolidateReplicas", "RepairBudget", "Rollback", "ResumedChange", "ComeBackDown",
        "TrimIdlePool", "RecoverFromCollapse",
    ];

    private static readonly string[] Events =
    [
        "DatabaseUnreachable", "ReplicasRecommendedOnly", "ApplyFailed", "PendingRestart", "RestartedDatabase",
        "TuningConfigMapCreated", "TuningVolumeAdded",
    ];

    private static readonly string[] Conditions =
    [
        "Tuning", "Recommending", "Paused", "ReconcileFailed", "InvalidSpec", "SpecValid", "WindowComplete",
        "InsufficientData", "ChangeInFlight", "Idle", "WithinBudget", "ReplicasTunable", "ReplicasManagedElsewhere",
        "RestartRequired", "RestartPolicyNever", "DatabaseUnreadable", "NoRestartPending", "OptInMissing", "ConfigMapNotOwned",
        "ReferenceNotFound",
    ];

    [Fact]
    public void The_decision_reasons_are_the_documented_set() => Assert.Equal(Decisions.Order(), Constants(typeof(DecisionReasons)).Order());

    [Fact]
    public void The_event_reasons_are_the_documented_set() => Assert.Equal(Events.Order(), Constants(typeof(EventReasons)).Order());

    [Fact]
    public void The_condition_reasons_are_the_documented_set() => Assert.Equal(Conditions.Order(), Constants(typeof(ConditionReasons)).Order());

    [Fact]
    public void Each_reason_is_its_own_name_in_CamelCase()
    {
        foreach (var type in new[] { typeof(DecisionReasons), typeof(EventReasons), typeof(ConditionReasons) })
        {
            foreach (var field in Fields(type))
            {
                Assert.Equal(field.Name, (string)field.GetRawConstantValue()!);
                Assert.True(char.IsUpper(field.Name[0]), field.Name);
            }
        }
    }

    [Fact]
    public void An_event_reason_is_no_decisions_reason()
    {
        Assert.Empty(Events.Intersect(Decisions));
    }

    [Fact]
    public void Docs_name_every_reason()
    {
        var docs = File.ReadAllText(Path.Combine(RepoFiles.Root, "docs", "decisions.md"));
        var missing = Decisions.Concat(Events).Concat(Conditions).Distinct().Where(r => !docs.Contains($"`{r}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/decisions.md does not name: " + string.Join(", ", missing));
    }

    private static IEnumerable<FieldInfo> Fields(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f is { IsLiteral: true, FieldType: var t } && t == typeof(string));

    private static IEnumerable<string> Constants(Type type) => Fields(type).Select(f => (string)f.GetRawConstantValue()!);
}
