using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Reconcile;

/// <summary>One ApiTuning and the ports through which it is observed and changed.</summary>
/// <param name="ApiId">namespace/name, its key in the connection ledger.</param>
/// <param name="Spec">The validated spec.</param>
/// <param name="Workload">The tuned workload.</param>
/// <param name="Settings">Where in-process settings are delivered.</param>
/// <param name="Postgres">The database server, when the spec names one and an admin connection is configured.</param>
/// <param name="Status">Where status and Events go.</param>
/// <param name="Budget">The DatabaseBudget the spec names, or null when it names none.</param>
public sealed record TuningTarget(
    string ApiId,
    ValidatedSpec Spec,
    ITargetWorkload Workload,
    ISettingsApplier Settings,
    IPostgresAdmin? Postgres,
    IStatusWriter Status,
    IDatabaseBudget? Budget = null);
