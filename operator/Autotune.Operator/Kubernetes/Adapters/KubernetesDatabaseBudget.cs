using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// The DatabaseBudget of one ApiTuning, read with GET before each pass (so a changed weight counts at once) and its
/// status written with a merge patch when the allocation changed. The budget reads no Secret: it is honoured only
/// when its server Secret is the one the ApiTuning itself names (and has opted in to, see docs/security.md), so a
/// budget gives no ApiTuning access to another server's Secret.
/// </summary>
public sealed class KubernetesDatabaseBudget(IKubernetes client, string @namespace, string apiTuning, PostgresSpec postgres, TimeProvider time) : IDatabaseBudget
{
    private readonly string _name = postgres.BudgetRef?.Name ?? throw new ArgumentException("spec.postgres.budgetRef is not set", nameof(postgres));
    private DatabaseBudgetResource? _resource;
    private string? _lastWritten;

    /// <inheritdoc />
    public async Task<SharedBudget> ReadAsync(CancellationToken cancellationToken)
    {
        DatabaseBudgetResource resource;
        try
        {
            resource = await client.CustomObjects.GetNamespacedCustomObjectAsync<DatabaseBudgetResource>(
                ApiTuningResource.Group, ApiTuningResource.Version, @namespace, DatabaseBudgetResource.Plural, _name, cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsNotFound(ex))
        {
            throw new SafeFailureException(ConditionReasons.ReferenceNotFound,
                $"spec.postgres.budgetRef names DatabaseBudget {_name}, which does not exist in namespace {@namespace}; create it or remove budgetRef");
        }

        var problems = resource.Spec is null ? [new ValidationProblem("spec", "is required")] : DatabaseBudgetValidator.Validate(resource.Spec);
        if (problems.Count > 0)
        {
            throw new SafeFailureException(ConditionReasons.InvalidSpec,
                $"DatabaseBudget {_name} is invalid, so no connections are shared by it: {string.Join("; ", problems)}");
        }

        var mine = postgres.AdminSecretRef;
        var theirs = resource.Spec!.Server.AdminSecretRef;
        if (mine is null || mine.Name != theirs.Name || mine.Key != theirs.Key)
        {
            throw new SafeFailureException(ConditionReasons.InvalidSpec,
                $"DatabaseBudget {_name} shares the server of Secret {theirs.Name} (key {theirs.Key}), but spec.postgres.adminSecretRef of ApiTuning {apiTuning} "
                + (mine is null ? "is not set" : $"names Secret {mine.Name} (key {mine.Key})") + "; an ApiTuning joins only the budget of the server it reaches itself");
        }

        _resource = resource;
        return new SharedBudget(@namespace, _name, resource.Spec);
    }

    /// <inheritdoc />
    public async Task ReportAsync(DatabaseBudgetStatus status, Allocation allocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(allocation);
        var now = time.GetUtcNow();
        var previous = _resource?.Status?.Conditions ?? [];
        StatusCondition Condition(string type, ConditionStatus value, string reason, string message) =>
            new()
            {
                Type = type,
                Status = value,
                ObservedGeneration = status.ObservedGeneration,
                Reason = reason,
                Message = message,
                LastTransitionTime = previous.FirstOrDefault(c => c.Type == type && c.Status == value)?.LastTransitionTime ?? now,
            };

        var withConditions = status with
        {
            ObservedGeneration = _resource?.Metadata.Generation ?? status.ObservedGeneration,
            Conditions =
            [
                Condition(ConditionTypes.Ready, ConditionStatus.True, BudgetReasons.Allocated,
                    $"{status.Apis.Count} APIs share {allocation.Capacity} connections of {status.Server}"),
                allocation.Infeasible is { } why
                    ? Condition(BudgetReasons.MinimumsInfeasible, ConditionStatus.True, BudgetReasons.MinimumsInfeasible, why + "; lower spec.apis minConnections or raise max_connections")
                    : Condition(BudgetReasons.MinimumsInfeasible, ConditionStatus.False, BudgetReasons.MinimumsFit, "every minimum is granted"),
            ],
        };

        // Times aside, an unchanged allocation is not written again.
        var key = KubernetesJson.Serialize(withConditions with { Conditions = [.. withConditions.Conditions.Select(c => c with { LastTransitionTime = default })] });
        if (key == _lastWritten)
        {
            return;
        }

        var patch = new V1Patch(KubernetesJson.Serialize(new { status = withConditions }), V1Patch.PatchType.MergePatch);
        _resource = await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<DatabaseBudgetResource>(
            patch, ApiTuningResource.Group, ApiTuningResource.Version, @namespace, DatabaseBudgetResource.Plural, _name, cancellationToken: cancellationToken);
        _lastWritten = key;
    }
}
