using Autotune.Contracts;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>
/// One ApiTuning's pass, everything between "observed" and "what to apply", as two pure functions that local mode,
/// the cluster controller and the simulator all run: <see cref="Plan"/> builds the window, the settings in force,
/// the effective spec and the ledger, decides, holds an action while the ledger's other members are awaited, and
/// orders the change; the host carries the order out; <see cref="Complete"/> turns what happened into the next
/// state, the ledger holding and the Events. A host only observes, applies and reports.
/// </summary>
public static class TuningPass
{
    /// <summary>The first half of a pass: the decision and what to apply for it.</summary>
    public static PassPlan Plan(PassInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var spec = input.Spec;
        var window = input.Window ?? (input.Scrapes.Count == 0
            ? null
            : WindowBuilder.Build(input.Scrapes, new WindowOptions
            {
                LatencyObjectiveMs = spec.Objectives.P99LatencyMs,
                ExpectedPods = [.. input.Pods.Select(p => p.Name)],
                CoresByPod = input.Pods.Where(p => p.CpuCores is > 0).ToDictionary(p => p.Name, p => p.CpuCores!.Value),
            }));
        var current = SettingsInForce.Of(input.DesiredReplicas, input.Delivered, window, input.Database);
        var decided = new DecisionInput
        {
            ApiId = input.ApiId,
            Spec = EffectiveSpec.For(spec, input.CanScale, input.Database is not null || spec.Postgres is null),
            Window = window,
            Current = current,
            State = input.State,
            Ledger = input.Database is { } database ? Ledger(database, input.Server, spec.Postgres?.ReservedConnections ?? 0, spec.Postgres?.Pooler) : null,
            Now = input.Now,
        };

        var (allocation, wants) = (default(Allocation), default(int?));
        if (input.Budget is { } budget && decided.Ledger is { } ledger && LedgerEntry.Of(input.ApiId, current, decided.Spec) is { } self)
        {
            (decided, allocation, wants) = Arbitrate(decided, budget, ledger, self, input.State.Pending is null ? null : input.Server.Mine?.Wants);
        }

        var decision = TuningEngine.Decide(decided);
        var awaited = input.Database is not null && input.State.Pending is null ? input.Server.Awaited : [];
        if (decision.IsAction && awaited.Count > 0)
        {
            decision = decision with
            {
                Kind = DecisionKind.Hold,
                Reason = DecisionReasons.AwaitingLedger,
                Message = $"{decision.Message}; not applied yet: {string.Join(", ", awaited)} share {input.Database!.Server} and what they hold is not known until their first pass, so its connections are not spent before",
                Claim = null,
            };
        }

        return new PassPlan
        {
            Input = input,
            Window = window,
            Current = current,
            Decided = decided,
            Decision = decision,
            Order = OrderFor(input, window, current, decision),
            Allocation = allocation,
            Wants = wants,
        };
    }

    /// <summary>
    /// The ApiTuning's grant from its DatabaseBudget: what it wants is what the engine would ask for were the
    /// server's connections all free (never less than it holds: giving back is the policy's call, not the budget's);
    /// while a change of its own is in flight the engine only waits, so what it wanted before the change stands
    /// (<paramref name="wantedBefore"/>). The budget's members share the server's capacity by weight on what each wants.
    /// </summary>
    private static (DecisionInput Decided, Allocation Allocation, int Wants) Arbitrate(DecisionInput decided, SharedBudget budget, DatabaseLedger ledger, LedgerEntry self, int? wantedBefore)
    {
        var reserved = ledger with { ReservedConnections = Math.Max(ledger.ReservedConnections, budget.Spec.ReservedConnections) };
        var unlimited = TuningEngine.Decide(decided with { Ledger = reserved with { MaxConnections = int.MaxValue / 4, PendingMaxConnections = null } });
        var wants = Math.Max(unlimited.Wants ?? wantedBefore ?? 0, self.SteadyDemand);
        var allocation = budget.Allocate(reserved, self, wants);
        var grant = allocation.Of(SharedBudget.NameOf(self.ApiId))!;
        return (decided with { Ledger = reserved, Share = new ConnectionShare(budget.Id, grant.Cap, grant.Weight, grant.Share) }, allocation, wants);
    }

    /// <summary>The second half: the state, ledger holding and Events after the host carried out the plan's order.</summary>
    public static PassOutcome Complete(PassPlan plan, ApplyReport report)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(report);
        var decision = plan.Decision;
        var part = CarriedPart(plan.Order, decision, report);
        var applied = plan.Order is not null && ((report.Applied && report.Error is null) || part is not null);
        var error = report.Error is { } why
            ? part is null ? $"{decision.Reason} could not be applied: {why}" : $"{decision.Reason} was applied only in part ({string.Join(", ", part.Select(s => $"{s.Knob} {s.From} -> {s.To}"))}): {why}"
            : null;
        if (part is not null)
        {
            // What was carried out is what is in flight, judged and recorded; a restart that ran counts as one.
            decision = decision with
            {
                Plan = part,
                Together = part.Count > 1,
                RequiresRestart = report.MaxConnections is { Restarted: true } || part.Any(s => s.Knob == Knob.PostgresMaxConnections),
            };
            plan = plan with { Decision = decision };
        }

        var generation = !applied ? null : plan.Order switch
        {
            ApplyOrder.DeliverTuning deliver => deliver.File.Generation,
            ApplyOrder.InTurn inTurn => inTurn.Orders.OfType<ApplyOrder.DeliverTuning>().LastOrDefault()?.File.Generation,
            _ => (long?)null,
        };

        // A decision that could not be applied is a hold: nothing is in flight, nothing is judged.
        var next = TuningStateTransitions.Next(plan.Decided, applied || !decision.IsAction ? decision : decision with { Kind = DecisionKind.Hold }, generation);
        var events = PassEvents.Of(plan, report, error, out var reported);
        return new PassOutcome
        {
            Plan = plan,
            Applied = applied,
            ApplyError = error,
            State = next with { LastReported = reported },
            Ledger = Holding(plan, applied, next),
            Events = events,
        };
    }

    /// <summary>The ledger of the server as the database reports it now, with what the other members hold.</summary>
    /// <remarks>
    /// Every member of the server holds one admin connection, so the reserve counts one per member. Behind a
    /// <paramref name="pooler"/> the pools share its client limit instead of max_connections (and none of the server's
    /// superuser slots, which the pooler's clients never take), and no restart is ever pending for them.
    /// </remarks>
    public static DatabaseLedger Ledger(DatabaseState database, ServerView server, int reservedConnections, PoolerSpec? pooler = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(server);
        return new DatabaseLedger
        {
            Server = database.Server,
            MaxConnections = pooler?.MaxClientConnections ?? database.MaxConnections,
            PendingMaxConnections = pooler is null ? database.PendingMaxConnections : null,
            SuperuserReservedConnections = pooler is null ? database.SuperuserReserved : 0,
            AdminConnections = Math.Max(1, server.Members),
            ReservedConnections = reservedConnections,
            Entries = server.Others,
        };
    }

    /// <summary>What applying <paramref name="decision"/> takes: null unless it is an action in mode Auto.</summary>
    public static ApplyOrder? OrderFor(PassInput input, ObservedWindow? window, Settings current, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsAction || input.Spec.Mode != TuningMode.Auto || decision is not { Knob: { } knob, To: { } to })
        {
            return null;
        }

        if (decision.Together)
        {
            return Together(input, window, current, decision);
        }

        return knob switch
        {
            Knob.Replicas => new ApplyOrder.Scale(to),
            Knob.ThreadPoolMinThreads or Knob.DbMaxPoolSize => new ApplyOrder.DeliverTuning(SettingsInForce.Deliver(knob, to, input.Spec, input.Delivered, window, current,
                shed: window is not null && Diagnosis.StarvationSignal.Backlogged(window, input.Spec.Objectives.MaxQueueDepth))),
            _ => MaxConnections(input, to),
        };
    }

    /// <summary>
    /// The orders of a decision applied together, in its plan's order with one tuning file for every in-process knob,
    /// delivered where the last of them stands in the plan: a raise sets max_connections first (the host goes on only
    /// once SHOW reads it) and then delivers the file; a rollback delivers the file (the pool shrinks) and lowers
    /// max_connections last. A raise answers a collapse, whose backlog is requests their callers have given up on, so
    /// it turns shedding on.
    /// </summary>
    private static ApplyOrder.InTurn Together(PassInput input, ObservedWindow? window, Settings current, Decision decision)
    {
        var orders = new List<ApplyOrder>();
        TuningFile? file = null;
        var fileAt = 0;
        var shed = decision.Kind != DecisionKind.Rollback
            || (window is not null && Diagnosis.StarvationSignal.Backlogged(window, input.Spec.Objectives.MaxQueueDepth));
        foreach (var step in decision.Plan)
        {
            switch (step.Knob)
            {
                case Knob.PostgresMaxConnections:
                    orders.Add(MaxConnections(input, step.To));
                    break;
                case Knob.Replicas:
                    orders.Add(new ApplyOrder.Scale(step.To));
                    break;
                case Knob.ThreadPoolMinThreads when file is not null:
                    (file, fileAt) = (file with { ThreadPoolMinThreads = step.To }, orders.Count);
                    break;
                case Knob.DbMaxPoolSize when file is not null:
                    (file, fileAt) = (file with { DbMaxPoolSize = step.To }, orders.Count);
                    break;
                default:
                    (file, fileAt) = (SettingsInForce.Deliver(step.Knob, step.To, input.Spec, input.Delivered, window, current, shed), orders.Count);
                    break;
            }
        }

        if (file is not null)
        {
            orders.Insert(fileAt, new ApplyOrder.DeliverTuning(file));
        }

        return new ApplyOrder.InTurn(orders);
    }

    /// <summary>
    /// The steps of <paramref name="decision"/> the host carried out when its orders stopped part way (null: all of them
    /// or none). A rollback delivers its tuning file before it lowers max_connections, so a restart that fails leaves the
    /// in-process knobs undone: that part of the change happened, is in flight, and is recorded as made.
    /// </summary>
    internal static IReadOnlyList<PlanStep>? CarriedPart(ApplyOrder? order, Decision decision, ApplyReport report)
    {
        if (order is not ApplyOrder.InTurn inTurn || report.Error is null || report.Carried is not { } n || n <= 0
            || !inTurn.Orders.Take(n).Any(o => o is ApplyOrder.DeliverTuning))
        {
            return null;
        }

        var carried = inTurn.Orders.Take(n).ToList();
        return [.. decision.Plan.Where(s => s.Knob switch
        {
            Knob.PostgresMaxConnections => carried.OfType<ApplyOrder.SetMaxConnections>().Any(o => o.To == s.To),
            Knob.Replicas => carried.OfType<ApplyOrder.Scale>().Any(o => o.Replicas == s.To),
            _ => true,
        })];
    }

    /// <summary>max_connections takes effect only at a restart, which the restart policy (and its window) allows or not.</summary>
    private static ApplyOrder.SetMaxConnections MaxConnections(PassInput input, int to)
    {
        var postgres = input.Spec.Postgres;
        var policy = postgres?.Restart ?? RestartPolicy.Never;
        var allowed = policy == RestartPolicy.Immediate
            || (policy == RestartPolicy.Window && MaintenanceWindowCheck.IsOpen(postgres?.MaintenanceWindow, input.Now));
        var refused = allowed ? null : policy == RestartPolicy.Never ? "the restart policy is Never" : "the maintenance window is closed";
        return new ApplyOrder.SetMaxConnections(to, allowed, refused);
    }

    /// <summary>
    /// What this ApiTuning holds on its server after the pass: the claim of a change just applied (its transitional
    /// peak stays spent until confirmed); otherwise, with no change in flight before or after, what the settings in
    /// force hold; a member whose holding cannot be told is no longer waited for.
    /// </summary>
    private static LedgerChange Holding(PassPlan plan, bool applied, TuningState next)
    {
        var input = plan.Input;
        if (input.Database is null)
        {
            return LedgerChange.Keep;
        }

        if (applied && plan.Decision.Claim is { } claim)
        {
            return new LedgerChange.Hold(claim with { Wants = plan.Wants });
        }

        var idleBefore = input.State.Pending is null;
        if ((idleBefore || next.Pending is null) && LedgerEntry.Of(input.ApiId, plan.Current, input.Spec) is { } holding)
        {
            return new LedgerChange.Hold(holding with { Wants = plan.Wants });
        }

        return idleBefore ? LedgerChange.Unknown : LedgerChange.Keep;
    }
}
