using Autotune.Contracts;
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

    [Fact]
    public async Task Orders_in_turn_deliver_the_tuning_file_only_after_SHOW_reads_the_new_max_connections()
    {
        var postgres = new ReloadLagPostgres(maxConnections: 20);
        var settings = new RecordingSettings();
        var file = new TuningFile(4, 17, 17, ShedAfterMilliseconds: 200);

        var report = await DecisionApplier.ApplyAsync(Target(postgres, settings),
            new ApplyOrder.InTurn([new ApplyOrder.SetMaxConnections(31, true, null), new ApplyOrder.DeliverTuning(file)]), TestContext.Current.CancellationToken);

        Assert.True(report.Applied, report.Error);
        Assert.Equal(1, postgres.Restarts);
        Assert.Equal(31, report.MaxConnections?.ReadBack);
        Assert.Equal([file], settings.Delivered);
    }

    [Fact]
    public async Task Orders_in_turn_stop_before_the_tuning_file_when_max_connections_is_not_confirmed()
    {
        var postgres = new ReloadLagPostgres(maxConnections: 20);
        var settings = new RecordingSettings();

        var report = await DecisionApplier.ApplyAsync(Target(postgres, settings),
            new ApplyOrder.InTurn([new ApplyOrder.SetMaxConnections(31, false, "the restart policy is Never"), new ApplyOrder.DeliverTuning(new TuningFile(4, 17, 17))]),
            TestContext.Current.CancellationToken);

        Assert.False(report.Applied);
        Assert.Contains("SHOW max_connections reads 20, not 31", report.Error, StringComparison.Ordinal);
        Assert.Empty(settings.Delivered);
    }

    [Fact]
    public async Task A_rollback_in_turn_delivers_the_tuning_file_first_and_reports_it_carried_when_max_connections_then_fails()
    {
        var postgres = new ReloadLagPostgres(maxConnections: 40);
        var settings = new RecordingSettings();
        var file = new TuningFile(6, 2, 4);

        var report = await DecisionApplier.ApplyAsync(Target(postgres, settings),
            new ApplyOrder.InTurn([new ApplyOrder.DeliverTuning(file), new ApplyOrder.SetMaxConnections(20, false, "the restart policy is Never")]),
            TestContext.Current.CancellationToken);

        Assert.False(report.Applied);
        Assert.Contains("SHOW max_connections reads 40, not 20", report.Error, StringComparison.Ordinal);
        Assert.Equal(1, report.Carried);
        Assert.Equal([file], settings.Delivered);
    }

    private static TuningTarget Target(IPostgresAdmin postgres, ISettingsApplier settings) => new("shop/orders", null!, null!, settings, postgres, null!);

    /// <summary>Records every tuning file delivered.</summary>
    private sealed class RecordingSettings : ISettingsApplier
    {
        public List<TuningFile> Delivered { get; } = [];

        public Task<TuningFile?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Delivered.LastOrDefault());

        public Task ApplyAsync(TuningFile file, CancellationToken cancellationToken)
        {
            Delivered.Add(file);
            return Task.CompletedTask;
        }
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
