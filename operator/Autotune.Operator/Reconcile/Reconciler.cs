using System.Net.Sockets;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Windows;
using Npgsql;

namespace Autotune.Operator.Reconcile;

/// <summary>
/// One ApiTuning's reconcile, the same in a cluster and in local mode, and only I/O around the engine's pure pass:
/// observe (workload, delivered tuning, database) -> <see cref="TuningPass.Plan"/> (one pass at a time per database
/// server) -> carry out its order -> <see cref="TuningPass.Complete"/> -> record the ledger holding -> report the
/// outcome once. The tuning state it carries between passes is what status keeps, so a restarted operator resumes.
/// </summary>
public sealed class Reconciler(TuningTarget target, LedgerBook ledgers, ServerLocks locks, TimeProvider time)
{
    /// <summary>The tuning state after the last pass.</summary>
    public TuningState State { get; private set; } = TuningState.Empty;

    /// <summary>Resumes from a state kept in status.</summary>
    public void Resume(TuningState state) => State = state ?? throw new ArgumentNullException(nameof(state));

    /// <summary>Runs one pass over the scrapes of one window.</summary>
    public async Task<PassOutcome> ReconcileAsync(IReadOnlyList<Scrape> scrapes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scrapes);
        var workload = await target.Workload.ReadAsync(cancellationToken);
        var delivered = await target.Settings.ReadAsync(cancellationToken);
        var (database, databaseError) = await ReadDatabaseAsync(cancellationToken);
        var budget = target.Budget is { } budgets ? await budgets.ReadAsync(cancellationToken) : null;

        using var serverLock = database is { } db ? await locks.LockAsync(db.Server, cancellationToken) : null;
        var plan = TuningPass.Plan(new PassInput
        {
            ApiId = target.ApiId,
            Spec = target.Spec.Spec,
            Scrapes = scrapes,
            Pods = [.. workload.Pods.Select(p => new PodCapacity(p.Name, p.CpuCores))],
            DesiredReplicas = workload.DesiredReplicas,
            ReadyReplicas = workload.ReadyReplicas,
            CanScale = workload.CanScale,
            ScaleNote = workload.ScaleNote,
            Delivered = delivered,
            Database = database,
            DatabaseError = databaseError,
            Budget = budget,
            Server = database is not null ? ledgers.View(database.Server, target.ApiId) : ServerView.Alone,
            State = State,
            Now = time.GetUtcNow(),
        });
        var report = await DecisionApplier.ApplyAsync(target, plan.Order, cancellationToken);
        var outcome = TuningPass.Complete(plan, report);
        if (database is not null)
        {
            ledgers.Apply(database.Server, target.ApiId, outcome.Ledger);
        }

        State = outcome.State;
        await target.Status.ReportAsync(outcome, cancellationToken);
        if (budget is not null && plan is { Allocation: { } allocation, Decided.Ledger: { } ledger } && database is not null)
        {
            // The allocation with what every member holds after this pass (this one's holding just recorded).
            var members = ledgers.View(database.Server, string.Empty).Others;
            await target.Budget!.ReportAsync(BudgetReport.Of(budget, ledger with { Entries = members }, allocation, 0), allocation, cancellationToken);
        }

        return outcome;
    }

    private async Task<(DatabaseState? Database, string? Error)> ReadDatabaseAsync(CancellationToken cancellationToken)
    {
        if (target.Postgres is not { } postgres)
        {
            return (null, null);
        }

        try
        {
            return (await postgres.ReadAsync(cancellationToken), null);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException or InvalidOperationException and not AccessRefusedException)
        {
            // A refused opt-in is no unreadable database: it fails the pass, so nothing is changed on the Secret's behalf.
            return (null, $"PostgreSQL could not be read ({FailureText.Of(ex)}); max_connections and the pool are left as they are");
        }
    }
}
