using Autotune.Contracts;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Reconcile;

/// <summary>Everything one reconcile observed before deciding.</summary>
/// <param name="Workload">The workload's replicas and pods.</param>
/// <param name="Window">The metrics window, or null when no scrape answered.</param>
/// <param name="Tuning">The tuning file now delivered, or null.</param>
/// <param name="Database">The database server's state, or null when there is none or it could not be read.</param>
/// <param name="DatabaseError">Why the database could not be read, or null.</param>
/// <param name="Current">The settings in force.</param>
public sealed record Observation(
    WorkloadState Workload,
    ObservedWindow? Window,
    TuningFile? Tuning,
    DatabaseState? Database,
    string? DatabaseError,
    Settings Current);
