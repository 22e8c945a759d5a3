using Autotune.Contracts;

namespace Autotune.Operator.Ports;

/// <summary>Delivers in-process settings (minimum threads, pool size) to every pod of the workload.</summary>
public interface ISettingsApplier
{
    /// <summary>The tuning file now delivered, or null when none has been.</summary>
    Task<TuningFile?> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Delivers a new tuning file; pods report its generation once they have applied it.</summary>
    Task ApplyAsync(TuningFile file, CancellationToken cancellationToken);
}
