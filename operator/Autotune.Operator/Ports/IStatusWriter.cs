using Autotune.Engine.Decisions.Pass;

namespace Autotune.Operator.Ports;

/// <summary>Reports what a pass saw and did; each host renders the same outcome its own way.</summary>
public interface IStatusWriter
{
    /// <summary>Reports a pass: its Events, then its status (written once, and only when it changed).</summary>
    Task ReportAsync(PassOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Records one Event an adapter raised while applying (a ConfigMap created, a volume added).</summary>
    Task EventAsync(TuningEvent tuningEvent, CancellationToken cancellationToken);
}
