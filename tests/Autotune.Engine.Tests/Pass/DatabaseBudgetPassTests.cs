using Autotune.Contracts;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Pass;

/// <summary>A pass of an ApiTuning that names a DatabaseBudget: its grant limits it, and what it wants is recorded for the others.</summary>
public sealed class DatabaseBudgetPassTests
{
    private const string BudgetId = "shop/shop-postgres";

    // 200 max_connections - 3 superuser - 2 admin (two members) - 10 reserved = 185 for the budget's two APIs.
    private static readonly DatabaseState Database = new("db:5432", MaxConnections: 200, SuperuserReserved: 3, Connections: 40, PendingRestart: false, PendingMaxConnections: null);

    private static readonly SharedBudget Budget = new("shop", "shop-postgres", new DatabaseBudgetSpec
    {
        Server = new BudgetServer { AdminSecretRef = new SecretKeyRef { Name = "pg-admin" } },
        ReservedConnections = 10,
        Apis = [new BudgetApi { Name = "orders", Weight = 1 }, new BudgetApi { Name = "payments", Weight = 3 }],
    });

    // payments holds (4 + 1) x 5 = 25 and wants 300: its weight 3 entitles it to 3/4 of 185.
    private static readonly LedgerEntry Payments = new() { ApiId = "shop/payments", Replicas = 4, Surge = 1, PoolSize = 5, Budget = BudgetId, Wants = 300 };

    [Fact]
    public void A_pool_raise_stops_at_the_weighted_grant_and_says_which_budget_limits_it()
    {
        var plan = TuningPass.Plan(Input(pool: 10));

        Assert.True(plan.Wants > 46, $"orders wants {plan.Wants}, the test needs it to want more than its grant");
        var grant = plan.Allocation!.Of("orders")!;
        Assert.Equal((46, 1, 46), (grant.Cap, grant.Weight, grant.Share));
        Assert.Equal(139, plan.Allocation.Of("payments")!.Cap);
        Assert.Equal((DecisionKind.Change, DecisionReasons.RaisePool, 11), (plan.Decision.Kind, plan.Decision.Reason, plan.Decision.To));
        Assert.Contains($"DatabaseBudget {BudgetId} grants this API 46 connections", plan.Decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void At_its_grant_a_raise_is_refused_naming_the_budget()
    {
        var plan = TuningPass.Plan(Input(pool: 11));

        Assert.Equal((DecisionKind.Hold, DecisionReasons.BudgetExhausted), (plan.Decision.Kind, plan.Decision.Reason));
        Assert.Contains($"DatabaseBudget {BudgetId} grants this API 46 connections", plan.Decision.Message, StringComparison.Ordinal);
        Assert.Contains("a pool of 12 would take 48", plan.Decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_its_grant_a_raise_whose_live_swap_would_break_max_connections_is_refused_saying_so()
    {
        // payments holds 5 x 26 = 130 of its 139; orders' swap 10 -> 11 holds 3 x (10 busy + 11) + 11 = 74 at its peak.
        var spec = Input(pool: 10).Spec;
        var input = Input(pool: 10) with
        {
            Spec = spec with { Knobs = spec.Knobs with { PostgresMaxConnections = null } },
            Server = new ServerView([Payments with { PoolSize = 26 }], [], 2),
        };

        var plan = TuningPass.Plan(input);

        Assert.Equal((DecisionKind.Hold, DecisionReasons.BudgetExhausted), (plan.Decision.Kind, plan.Decision.Reason));
        Assert.Contains("grants this API 46 connections", plan.Decision.Message, StringComparison.Ordinal);
        Assert.Contains("a pool of 11 would need 204 of 185 connections at its peak, while the pods swap pools", plan.Decision.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(2, false)]
    public void The_same_raise_fits_at_max_of_old_and_new_only_when_every_pod_bounds_its_swap(int boundedPods, bool raises)
    {
        // As above, but counted as a bounded swap: 3 x max(10, 11) + 1 x 11 = 44 beside payments' 130 is 174 of 185.
        var spec = Input(pool: 10).Spec;
        var input = Input(pool: 10, Given.PoolExhausted() with { Pods = 3, BoundedSwapPods = boundedPods }) with
        {
            Spec = spec with { Knobs = spec.Knobs with { PostgresMaxConnections = null } },
            Server = new ServerView([Payments with { PoolSize = 26 }], [], 2),
        };

        var plan = TuningPass.Plan(input);

        if (raises)
        {
            Assert.Equal((DecisionKind.Change, DecisionReasons.RaisePool, 11), (plan.Decision.Kind, plan.Decision.Reason, plan.Decision.To));
            Assert.Equal(174, plan.Decision.Claim is { } claim ? claim.Demand + 130 : 0);
        }
        else
        {
            Assert.Equal((DecisionKind.Hold, DecisionReasons.BudgetExhausted), (plan.Decision.Kind, plan.Decision.Reason));
            Assert.Contains("at its peak, while the pods swap pools", plan.Decision.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Holding_more_than_its_grant_it_lowers_its_pool_first_to_what_the_grant_holds()
    {
        var plan = TuningPass.Plan(Input(pool: 20, window: Given.Healthy()));

        Assert.Equal((DecisionKind.Change, DecisionReasons.RepairBudget, Knob.DbMaxPoolSize), (plan.Decision.Kind, plan.Decision.Reason, plan.Decision.Knob));
        Assert.Equal((20, 11), (plan.Decision.From, plan.Decision.To));
        Assert.Contains("more than the 46 DatabaseBudget shop/shop-postgres grants it", plan.Decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_competitor_wanting_more_it_grows_as_far_as_the_free_connections_allow()
    {
        var plan = TuningPass.Plan(Input(pool: 10) with { Server = new ServerView([Payments with { Wants = null }], [], 2) });

        Assert.Equal(Math.Min(plan.Wants!.Value, 185 - 25), plan.Allocation!.Of("orders")!.Cap);
        Assert.Equal(DecisionReasons.RaisePool, plan.Decision.Reason);
        Assert.True(plan.Decision.To > 11, plan.Decision.Message);
    }

    [Fact]
    public void What_it_wants_is_recorded_in_the_ledger_for_the_others_arbitration()
    {
        var plan = TuningPass.Plan(Input(pool: 10));

        var outcome = TuningPass.Complete(plan, ApplyReport.Done);

        var held = Assert.IsType<LedgerChange.Hold>(outcome.Ledger);
        Assert.Equal((plan.Wants, BudgetId), (held.Entry.Wants, held.Entry.Budget));
    }

    [Fact]
    public void While_its_change_is_in_flight_what_it_wanted_before_the_change_stands()
    {
        var first = TuningPass.Plan(Input(pool: 10));
        var applied = TuningPass.Complete(first, ApplyReport.Done);
        var mine = Assert.IsType<LedgerChange.Hold>(applied.Ledger).Entry;

        var next = TuningPass.Plan(Input(pool: 10) with { State = applied.State, Server = new ServerView([Payments], [], 2, mine) });

        Assert.False(next.Decision.IsAction, next.Decision.Message);
        Assert.Equal(first.Wants, next.Wants);
        Assert.Equal(46, next.Allocation!.Of("orders")!.Cap);
    }

    [Fact]
    public void The_report_shows_server_max_connections_allocated_free_and_each_api()
    {
        var plan = TuningPass.Plan(Input(pool: 10));
        var ledger = plan.Decided.Ledger!.With(LedgerEntry.Of(Given.Api, plan.Current, plan.Decided.Spec)!);

        var status = BudgetReport.Of(Budget, ledger, plan.Allocation!, generation: 3);

        Assert.Equal(("db:5432", 200, 15, 65, 120), (status.Server, status.MaxConnections, status.Reserved, status.Allocated, status.Free));
        Assert.Equal("orders=40/46 payments=25/139", status.Summary);
        Assert.Equal(3, status.ObservedGeneration);
    }

    [Fact]
    public void An_apituning_without_a_budget_is_not_arbitrated()
    {
        var plan = TuningPass.Plan(Input(pool: 10) with { Budget = null });

        Assert.Null(plan.Allocation);
        Assert.Null(plan.Decided.Share);
        Assert.Equal(DecisionReasons.RaisePool, plan.Decision.Reason);
        Assert.True(plan.Decision.To > 11, plan.Decision.Message);
    }

    private static PassInput Input(int pool, ObservedWindow? window = null) => new()
    {
        ApiId = Given.Api,
        Spec = Given.Spec() with
        {
            Postgres = Given.Spec().Postgres! with { AdminSecretRef = new SecretKeyRef { Name = "pg-admin" }, BudgetRef = new BudgetRef { Name = "shop-postgres" } },
        },
        Window = window ?? Given.PoolExhausted(),
        DesiredReplicas = 3,
        ReadyReplicas = 3,
        Delivered = new TuningFile(7, 16, pool),
        Database = Database,
        Budget = Budget,
        Server = new ServerView([Payments], [], 2),
        Now = Given.Now,
    };
}
