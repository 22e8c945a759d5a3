using Autotune.Operator.Ports;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// The status port the controller hands the Reconciler: Events go straight to the cluster's status port, while the
/// pass's progress line is kept for the controller, which composes the whole status (conditions, observed,
/// current, history) from the outcome and writes it once.
/// </summary>
public sealed class EventsOnlyStatusWriter(IStatusWriter events) : IStatusWriter
{
    /// <summary>The progress of the last pass.</summary>
    public TuningProgress? Last { get; private set; }

    /// <inheritdoc />
    public Task EventAsync(TuningEvent tuningEvent, CancellationToken cancellationToken) => events.EventAsync(tuningEvent, cancellationToken);

    /// <inheritdoc />
    public Task WriteAsync(TuningProgress progress, CancellationToken cancellationToken)
    {
        Last = progress;
        return Task.CompletedTask;
    }
}
