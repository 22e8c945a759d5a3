namespace Autotune.Operator.Reconcile;

/// <summary>
/// A failure whose message the operator composed from names only (objects, fields, annotation keys, numbers it
/// chose), never from a value read from the cluster, a Secret or the database, nor from another exception's message:
/// <see cref="FailureText"/> quotes it, so status and Events say what is wrong. <see cref="Reason"/> is the condition
/// reason a failed pass reports for it.
/// </summary>
public class SafeFailureException : InvalidOperationException
{
    /// <summary>A failure reported with <paramref name="reason"/> and <paramref name="message"/>.</summary>
    public SafeFailureException(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>The condition reason a failed pass reports (a <c>ConditionReasons</c> constant).</summary>
    public string Reason { get; }
}

/// <summary>
/// The operator refuses to read or change an object on an ApiTuning's behalf: the object has not opted in (see
/// docs/security.md), or the tuning ConfigMap exists and is not the operator's. Nothing of it was used or changed.
/// </summary>
public sealed class AccessRefusedException(string reason, string message) : SafeFailureException(reason, message);
