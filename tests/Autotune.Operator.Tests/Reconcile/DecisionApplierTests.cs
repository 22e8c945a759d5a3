using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using Xunit;

namespace Autotune.Operator.Tests.Reconcile;

/// <summary>The decision applier's max_connections protocol against a database port that answers as a real server can.</summary>
public sealed class DecisionApplierTests
{
    [Fact]
    public async Task Restarts_for_a_new_max_connections_even_when_pending_restart_is_not_yet_visible_after_the_reload()
    {
        // pg_reload_conf() only signals the reload: read at once, pending_restart can still be false while SHOW says 20.
        var postgres = new ReloadLagPostgres(maxConnections: 20);

        var result = await Apply(postgres, RestartPolicy.Immediate, to: 48);

        Assert.True(result.Applied, result.ApplyError);
        Assert.Equal(1, postgres.Restarts);
        Assert.Contains(result.Events, e => e.Reason == "RestartedDatabase" && e.Message.Contains("SHOW max_connections confirms 48", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_Never_leaves_the_new_max_connections_pending_with_an_Event_even_when_the_reload_is_not_yet_visible()
    {
        var postgres = new ReloadLagPostgres(maxConnections: 20);

        var result = await Apply(postgres, RestartPolicy.Never, to: 48);

        Assert.True(result.Applied, result.ApplyError);
        Assert.Equal(0, postgres.Restarts);
        Assert.Contains(result.Events, e => e.Reason == ConditionTypes.PendingRestart && e.Message.Contains("max_connections 20 -> 48", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Does_not_restart_when_the_server_already_runs_the_value()
    {
        var postgres = new ReloadLagPostgres(maxConnections: 48);

        var result = await Apply(postgres, RestartPolicy.Immediate, to: 48);

        Assert.True(result.Applied, result.ApplyError);
        Assert.Equal(0, postgres.Restarts);
    }

    private static async Task<PassOutcome> Apply(IPostgresAdmin postgres, RestartPolicy restart, int to)
    {
        var spec = SpecValidator.Validate(new ApiTuningSpec
        {
            TargetRef = new TargetRef { Name = "orders-api" },
            Objectives = new Objectives { P99LatencyMs = 100 },
            Knobs = new KnobsSpec { PostgresMaxConnections = new KnobBudget { Min = 20, Max = 60 } },
            Postgres = new PostgresSpec { AdminSecretRef = new SecretKeyRef { Name = "pg-admin" }, WorkloadRef = new WorkloadRef { Name = "postgres" }, Restart = restart },
        }).Spec!;
        var target = new TuningTarget("shop/orders", spec, null!, null!, postgres, null!);
        var current = new Settings(1, null, 14, 20);
        var decision = new Decision
        {
            Kind = DecisionKind.Change,
            Bottleneck = Bottleneck.PoolExhaustion,
            Reason = "RaiseMaxConnections",
            Message = "Raised max_connections",
            Knob = Knob.PostgresMaxConnections,
            From = 20,
            To = to,
        };
        var plan = PassOutcomes.Plan(spec.Spec, decision, current);
        var report = await DecisionApplier.ApplyAsync(target, plan.Order, TestContext.Current.CancellationToken);
        return TuningPass.Complete(plan, report);
    }

    /// <summary>A server whose reload is not yet visible when ALTER SYSTEM returns, and that runs the set value after a restart.</summary>
    private sealed class ReloadLagPostgres(int maxConnections) : IPostgresAdmin
    {
        private int _running = maxConnections;
        private int _file = maxConnections;

        public int Restarts { get; private set; }

        public Task<DatabaseState> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(State(_file != _running));

        public Task<DatabaseState> SetMaxConnectionsAsync(int value, CancellationToken cancellationToken)
        {
            _file = value;
            return Task.FromResult(State(pending: false));
        }

        public Task RestartAsync(CancellationToken cancellationToken)
        {
            Restarts++;
            _running = _file;
            return Task.CompletedTask;
        }

        private DatabaseState State(bool pending) => new("127.0.0.1:5432", _running, 3, 5, pending, pending ? _file : null);
    }
}
