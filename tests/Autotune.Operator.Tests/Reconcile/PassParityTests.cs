using Autotune.Contracts;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using Autotune.Simulation.Control;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;
using Xunit;

namespace Autotune.Operator.Tests.Reconcile;

/// <summary>
/// The simulator predicts the operator exactly: the windows, workloads, tuning files and database states the
/// simulator's engine controller saw, replayed through the operator's own reconcile pipeline (the one local mode
/// and the cluster controller run) over ports that answer with them, give the same decision at every pass.
/// </summary>
public sealed class PassParityTests
{
    [Theory]
    [InlineData("tiny-pool")]
    [InlineData("thread-starvation")]
    [InlineData("cpu-bound")]
    [InlineData("max-connections-low-restart")]
    [InlineData("over-provisioned")]
    [InlineData("demo-collapse")]
    public async Task Local_modes_pipeline_decides_as_the_simulators_controller_on_the_same_windows(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = ScenarioCatalog.Get(name);
        var simulated = new EngineController();
        ScenarioRunner.Run(scenario, simulated, seed: 1);
        var passes = simulated.Passes.Where(p => p.Api == 0).Select(p => p.Outcome).ToList();
        Assert.True(passes.Count(p => p.Applied) >= 1, $"{name}: the simulator applied nothing, so there is nothing to compare");

        var replay = new Replay();
        var spec = SpecValidator.Validate(scenario.Specs[0]);
        Assert.True(spec.IsValid, string.Join("; ", spec.Problems));
        var target = new TuningTarget(passes[0].Input.ApiId, spec.Spec!, replay, replay, passes[0].Input.Database is null ? null : replay, replay);
        var reconciler = new Reconciler(target, new Engine.Decisions.Budget.LedgerBook(), new ServerLocks(), replay);

        var mismatches = new List<string>();
        foreach (var simulatedPass in passes)
        {
            replay.Input = simulatedPass.Input;
            var local = await reconciler.ReconcileAsync(simulatedPass.Input.Scrapes, ct);
            if (Describe(local.Decision) != Describe(simulatedPass.Decision) || local.Applied != simulatedPass.Applied)
            {
                mismatches.Add($"{simulatedPass.Input.Now:HH:mm:ss} simulator {Describe(simulatedPass.Decision)} applied={simulatedPass.Applied}; local {Describe(local.Decision)} applied={local.Applied}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{name}: {mismatches.Count} of {passes.Count} passes differ:\n" + string.Join("\n", mismatches.Take(10)));
    }

    private static string Describe(Decision d) => $"{d.Kind}/{d.Reason}/{d.Knob}/{d.From}->{d.To}";

    /// <summary>Ports and a clock that answer with what the simulator's pass saw, and accept every change.</summary>
    private sealed class Replay : TimeProvider, ITargetWorkload, ISettingsApplier, IPostgresAdmin, IStatusWriter
    {
        private PassInput _input = null!;
        private int? _restartedTo;
        private int? _set;

        /// <summary>The simulator's pass replayed; a new pass forgets what the last one set.</summary>
        public PassInput Input
        {
            get => _input;
            set => (_input, _restartedTo, _set) = (value, null, null);
        }

        public override DateTimeOffset GetUtcNow() => Input.Now;

        public Task<WorkloadState> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(new WorkloadState(
            Input.DesiredReplicas, Input.ReadyReplicas, [.. Input.Pods.Select(p => new PodEndpoint(p.Name, new Uri("http://127.0.0.1/metrics"), p.CpuCores))], Input.CanScale, Input.ScaleNote));

        public Task ScaleAsync(int replicas, CancellationToken cancellationToken) => Task.CompletedTask;

        Task<TuningFile?> ISettingsApplier.ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Input.Delivered);

        public Task ApplyAsync(TuningFile file, CancellationToken cancellationToken) => Task.CompletedTask;

        // A restart runs the value set, as the simulated server's does, so SHOW reads it back.
        Task<DatabaseState> IPostgresAdmin.ReadAsync(CancellationToken cancellationToken) =>
            Input.Database is { } database
                ? Task.FromResult(_restartedTo is { } running ? database with { MaxConnections = running } : database)
                : throw new InvalidOperationException("the database is restarting");

        public Task<DatabaseState> SetMaxConnectionsAsync(int value, CancellationToken cancellationToken)
        {
            _set = value;
            return Task.FromResult(Input.Database!);
        }

        public Task RestartAsync(CancellationToken cancellationToken)
        {
            _restartedTo = _set;
            return Task.CompletedTask;
        }

        public Task ReportAsync(PassOutcome outcome, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task EventAsync(TuningEvent tuningEvent, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
