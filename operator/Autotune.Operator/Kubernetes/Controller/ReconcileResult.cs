
namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>The result label of one reconcile (the autotune_reconciles_total label).</summary>
public static class ReconcileResult
{
    /// <summary>A decision changed a knob.</summary>
    public const string Acted = "acted";

    /// <summary>The engine held.</summary>
    public const string Held = "held";

    /// <summary>The engine advised a change (Recommend).</summary>
    public const string Recommended = "recommended";

    /// <summary>The spec breaks a rule; nothing was done.</summary>
    public const string InvalidSpec = "invalid_spec";

    /// <summary>A decision could not be applied; retried with backoff.</summary>
    public const string ApplyFailed = "apply_failed";

    /// <summary>The reconcile failed (API errors, target missing); retried with backoff.</summary>
    public const string Error = "error";

    /// <summary>The ApiTuning was seen for the first time; the first window is being collected.</summary>
    public const string Started = "started";

    /// <summary>The ApiTuning is gone; its session and ledger line were dropped.</summary>
    public const string Deleted = "deleted";
}
