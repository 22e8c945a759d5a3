using Autotune.Contracts;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>Everything one ApiTuning's pass observed, as facts: no I/O happens past this point.</summary>
public sealed record PassInput
{
    /// <summary>The ApiTuning, as namespace/name (its key in the database ledger).</summary>
    public required string ApiId { get; init; }

    /// <summary>The spec as the user wrote it (validated).</summary>
    public required ApiTuningSpec Spec { get; init; }

    /// <summary>The scrapes of the last window, oldest first (none when no pod answered).</summary>
    public IReadOnlyList<Scrape> Scrapes { get; init; } = [];

    /// <summary>A window already built from the scrapes (tests; a host that aggregates elsewhere); null: built from <see cref="Scrapes"/>.</summary>
    public ObservedWindow? Window { get; init; }

    /// <summary>The ready pods the window should cover.</summary>
    public IReadOnlyList<PodCapacity> Pods { get; init; } = [];

    /// <summary>Replicas the workload asks for.</summary>
    public required int DesiredReplicas { get; init; }

    /// <summary>Replicas ready to serve.</summary>
    public int ReadyReplicas { get; init; }

    /// <summary>False when replicas cannot be changed here (an autoscaler owns them, or only metrics URLs were given).</summary>
    public bool CanScale { get; init; } = true;

    /// <summary>Why replicas cannot be changed, when they cannot.</summary>
    public string? ScaleNote { get; init; }

    /// <summary>The tuning file now delivered to the pods, or null when none has been.</summary>
    public TuningFile? Delivered { get; init; }

    /// <summary>The database server as read now; null when the spec names none, or it could not be read.</summary>
    public DatabaseState? Database { get; init; }

    /// <summary>Why the database could not be read (safe text), or null.</summary>
    public string? DatabaseError { get; init; }

    /// <summary>The DatabaseBudget the spec names (spec.postgres.budgetRef), read and validated; null when it names none.</summary>
    public SharedBudget? Budget { get; init; }

    /// <summary>The other members of the database server's ledger.</summary>
    public ServerView Server { get; init; } = ServerView.Alone;

    /// <summary>What the engine remembers for this ApiTuning.</summary>
    public TuningState State { get; init; } = TuningState.Empty;

    /// <summary>Now.</summary>
    public required DateTimeOffset Now { get; init; }
}

/// <summary>A ready pod and the CPU it may use (its limit, else its request; null: the runtime's processor count).</summary>
/// <param name="Name">The pod's name.</param>
/// <param name="CpuCores">Its CPU cores, or null.</param>
public sealed record PodCapacity(string Name, double? CpuCores);
