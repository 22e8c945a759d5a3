using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Resource.Spec.Yaml;
using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;

namespace Autotune.Operator.Local;

/// <summary>
/// The operator on one machine, without a cluster: the same engine and reconcile pipeline, with local ports. It reads
/// an ApiTuning YAML, scrapes the API processes it is given (or runs them itself from a command), and applies its
/// decisions through the tuning file the agents read and, when allowed, PostgreSQL's max_connections.
/// </summary>
public static class LocalMode
{
    /// <summary>Exit code for input that cannot be used (invalid YAML, spec or options).</summary>
    public const int InvalidInput = 2;

    /// <summary>Exit code when the API command cannot be started, exits while starting or does not serve its metrics in time.</summary>
    public const int ApiDidNotStart = 3;

    /// <summary>Runs until <see cref="LocalOptions.Windows"/> windows have passed or it is cancelled.</summary>
    public static async Task<int> RunAsync(LocalOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var problems = new List<string>();
        var spec = await LoadSpecAsync(options.SpecPath, problems, cancellationToken);
        problems.AddRange(CheckOptions(options));
        if (spec is null || problems.Count > 0)
        {
            await error.WriteLineAsync($"autotune local: {options.SpecPath} cannot be used:");
            foreach (var problem in problems)
            {
                await error.WriteLineAsync($"  - {problem}");
            }

            return InvalidInput;
        }

        var time = TimeProvider.System;
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        if (spec.Spec.Knobs is null or { Replicas: null, ThreadPoolMinThreads: null, DbMaxPoolSize: null, PostgresMaxConnections: null })
        {
            await error.WriteLineAsync("autotune local: warning: spec.knobs lists no knob, so nothing will be changed: the bottleneck is diagnosed and reported only. Add budgets under spec.knobs to tune.");
        }

        WorkloadHandle started;
        try
        {
            started = await StartWorkloadAsync(options, spec, http, cancellationToken);
        }
        catch (ApiStartException e)
        {
            await error.WriteLineAsync($"autotune local: {e.Message}");
            return ApiDidNotStart;
        }

        await using var workload = started;
        var connectionString = Environment.GetEnvironmentVariable(options.PostgresAdminEnv);
        await using var postgres = string.IsNullOrWhiteSpace(connectionString)
            ? null
            : new NpgsqlPostgresAdmin(connectionString, options.PostgresRestart.Count > 0 ? options.PostgresRestart : null, TimeSpan.FromMinutes(2));
        var status = new ConsoleStatusWriter(output, options.RecordPath);
        await TellSetupAsync(output, options, spec, workload, postgres);

        var target = new TuningTarget("local/" + Path.GetFileNameWithoutExtension(options.SpecPath), spec, workload.Port, new TuningFileApplier(options.TuningFile), postgres, status);
        var reconciler = new Reconciler(target, new LedgerBook(), new ServerLocks(), time);
        var source = new HttpMetricsSource(http, async ct => (await workload.Port.ReadAsync(ct)).Pods, options.ScrapeTimeout, time);
        var collector = new WindowCollector(source, time);
        var rounds = spec.Spec.Metrics.ScrapesPerWindow;

        try
        {
            for (var window = 0; options.Windows is not { } limit || window < limit; window++)
            {
                var scrapes = await collector.CollectAsync(rounds, spec.ScrapeInterval, cancellationToken);
                foreach (var (pod, (count, why)) in collector.Failures)
                {
                    await output.WriteLineAsync($"autotune local: metrics of {pod} unreachable in {count} of {rounds} scrapes ({why}); holding");
                }

                await reconciler.ReconcileAsync(scrapes, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync("autotune local: stopped");
        }

        return 0;
    }

    private static async Task<ValidatedSpec?> LoadSpecAsync(string path, List<string> problems, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            problems.Add($"{path}: no such file");
            return null;
        }

        var loaded = ApiTuningYaml.Load(await File.ReadAllTextAsync(path, cancellationToken));
        problems.AddRange(loaded.Problems.Select(p => p.ToString()));
        if (!loaded.IsValid)
        {
            return null;
        }

        if (loaded.Documents.Count != 1)
        {
            problems.Add($"expected exactly one ApiTuning, found {loaded.Documents.Count}");
            return null;
        }

        var validation = SpecValidator.Validate(loaded.Documents[0].Spec);
        problems.AddRange(validation.Problems.Select(p => p.ToString()));
        return validation.Spec;
    }

    private static IEnumerable<string> CheckOptions(LocalOptions options)
    {
        if (options.MetricsUrls.Count == 0 && options.ApiCommand.Count == 0 && options.Workload is null)
        {
            yield return "give the metrics URLs of running API processes (--metrics-url) or a command that starts one (after --)";
        }

        foreach (var url in options.MetricsUrls.Where(u => !IsHttpUrl(u)))
        {
            yield return $"--metrics-url {url}: not an absolute http:// or https:// URL";
        }

        if (options.MetricsUrls.Count > 0 && options.ApiCommand.Count > 0)
        {
            yield return "give either --metrics-url or a command that starts the API, not both";
        }

        if (string.IsNullOrWhiteSpace(options.TuningFile))
        {
            yield return "--tuning-file is required: the file the agents read their settings from";
        }
    }

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static async Task<WorkloadHandle> StartWorkloadAsync(LocalOptions options, ValidatedSpec spec, HttpClient http, CancellationToken cancellationToken)
    {
        if (options.Workload is { } given)
        {
            options.WorkloadStarted?.Invoke(given);
            return new WorkloadHandle(given, null); // the caller's: it keeps running after local mode
        }

        if (options.ApiCommand.Count == 0)
        {
            return new WorkloadHandle(new StaticWorkload(options.MetricsUrls.Select(u => new Uri(u)).ToList()), null);
        }

        var processes = new ProcessWorkload(options.ApiCommand, options.ApiEnvironment, options.TuningFile, options.ApiPort, options.MetricsPort, http);
        if (options.ReplicasChanged is { } changed)
        {
            processes.ReplicasChanged += changed;
        }

        try
        {
            await processes.ScaleAsync(options.InitialReplicas ?? spec.Spec.Knobs.Replicas?.Min ?? 1, cancellationToken);
            options.WorkloadStarted?.Invoke(processes);
        }
        catch
        {
            await processes.DisposeAsync();
            throw;
        }

        return new WorkloadHandle(processes, processes);
    }

    private static async Task TellSetupAsync(TextWriter output, LocalOptions options, ValidatedSpec spec, WorkloadHandle workload, NpgsqlPostgresAdmin? postgres)
    {
        var pods = await workload.Port.ReadAsync(CancellationToken.None);
        await output.WriteLineAsync($"autotune local: tuning {pods.ReadyReplicas} API process(es), window {DurationFormat.Format(spec.Window)} ({spec.Spec.Metrics.ScrapesPerWindow} scrapes), mode {spec.Spec.Mode}, tuning file {options.TuningFile}");
        if (pods.ScaleNote is { } note && spec.Spec.Knobs.Replicas is not null)
        {
            await output.WriteLineAsync($"autotune local: {note}");
        }

        if (postgres is null && spec.Spec.Knobs.PostgresMaxConnections is not null)
        {
            await output.WriteLineAsync($"autotune local: no PostgreSQL admin connection (set {options.PostgresAdminEnv}): max_connections is left alone");
        }
        else if (postgres is not null)
        {
            await output.WriteLineAsync($"autotune local: PostgreSQL {postgres.Server}, restart {(postgres.CanRestart ? "by the given command" : "not possible here")}");
        }
    }

    private sealed class WorkloadHandle(ITargetWorkload port, IAsyncDisposable? owned) : IAsyncDisposable
    {
        public ITargetWorkload Port { get; } = port;

        public ValueTask DisposeAsync() => owned?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
