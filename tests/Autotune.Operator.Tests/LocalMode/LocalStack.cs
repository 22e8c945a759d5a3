using System.Globalization;
using Autotune.Contracts;
using Autotune.Operator.Local;
using Autotune.Testing;
using Npgsql;

namespace Autotune.Operator.Tests.LocalMode;

/// <summary>
/// A real stack for one local-mode test: PostgreSQL and Redis on loopback, a temporary directory with the ApiTuning
/// and the tuning file, and local mode running in-process against sample-API replicas it starts itself.
/// </summary>
internal sealed class LocalStack : IAsyncDisposable
{
    public const string ApiKey = "local-mode-test-key";
    public const int SeededUsers = 20_000;

    private readonly DirectoryInfo _directory;
    private readonly CancellationTokenSource _stop = new();
    private Task<int>? _run;
    private volatile IReadOnlyList<Uri> _urls = [];

    private LocalStack(PostgresServer postgres, RedisServer redis, DirectoryInfo directory)
    {
        Postgres = postgres;
        Redis = redis;
        _directory = directory;
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    public LineWatcher Output { get; } = new();

    public LineWatcher Errors { get; } = new();

    public string TuningFile => Path.Combine(_directory.FullName, "tuning.json");

    public string SpecFile => Path.Combine(_directory.FullName, "apituning.yaml");

    /// <summary>The stack's temporary directory, for files a test's commands leave behind.</summary>
    public string WorkDirectory => _directory.FullName;

    public LoadDriver? Load { get; private set; }

    public static async Task<LocalStack> StartAsync(int maxConnections, CancellationToken cancellationToken)
    {
        var postgres = await PostgresServer.StartAsync(maxConnections, cancellationToken: cancellationToken);
        try
        {
            var redis = await RedisServer.StartAsync(cancellationToken);
            return new LocalStack(postgres, redis, Directory.CreateTempSubdirectory("autotune-local-"));
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts local mode with <paramref name="spec"/> over <paramref name="replicas"/> sample-API processes, then load on them.</summary>
    /// <remarks><paramref name="restartCommand"/> replaces the server's own restart command when restarts are allowed.</remarks>
    public async Task RunAsync(
        string spec, TuningFile initial, int replicas, IReadOnlyDictionary<string, string> demo, int concurrency, bool withAdmin, bool allowRestart, IReadOnlyList<string>? restartCommand = null)
    {
        await File.WriteAllTextAsync(SpecFile, spec);
        await File.WriteAllTextAsync(TuningFile, initial.ToJson());
        var environment = ApiEnvironment(demo);
        var options = new LocalOptions
        {
            SpecPath = SpecFile,
            ApiCommand = [Path.Combine(AppContext.BaseDirectory, "SampleApi")],
            ApiEnvironment = environment,
            TuningFile = TuningFile,
            ApiPort = FreePort.Next(),
            MetricsPort = FreePort.Next(),
            InitialReplicas = replicas,
            PostgresAdminEnv = withAdmin ? AdminVariable : "AUTOTUNE_TEST_NO_ADMIN",
            PostgresRestart = allowRestart ? restartCommand ?? Postgres.RestartCommand : [],
            ReplicasChanged = urls =>
            {
                _urls = urls;
                Load?.Retarget(urls);
            },
        };

        // The admin connection string travels by environment, never on a command line; one variable per server.
        Environment.SetEnvironmentVariable(AdminVariable, Postgres.ConnectionString);
        _run = Task.Run(() => Autotune.Operator.Local.LocalMode.RunAsync(options, Output, Errors, _stop.Token));
        // Local mode says it is tuning once every replica serves its metrics.
        var ready = Output.WaitForAsync(l => l.StartsWith("autotune local: tuning", StringComparison.Ordinal), TimeSpan.FromSeconds(180), "local mode's start", _stop.Token);
        if (await Task.WhenAny(ready, _run) == _run)
        {
            throw new InvalidOperationException($"local mode ended with {await _run} before tuning:{Environment.NewLine}{string.Join(Environment.NewLine, Errors.Lines.Concat(Output.Lines))}");
        }

        await ready;
        Load = new LoadDriver(_urls, concurrency, ApiKey, SeededUsers);
    }

    /// <summary>The sample API's environment on this stack's PostgreSQL and Redis, with the demo settings <paramref name="demo"/>.</summary>
    public Dictionary<string, string> ApiEnvironment(IReadOnlyDictionary<string, string> demo) =>
        new(demo)
        {
            ["ConnectionStrings__Postgres"] = Postgres.ConnectionString,
            ["ConnectionStrings__Redis"] = Redis.ConnectionString,
            ["SampleApi__ApiKey"] = ApiKey,
            ["SampleApi__SeedUsers"] = SeededUsers.ToString(CultureInfo.InvariantCulture),
            ["SampleApi__RateLimitPerSecond"] = "100000",
            ["SampleApi__RateLimitBurst"] = "100000",
            ["SampleApi__Cache__LocalEnabled"] = "false",
            ["SampleApi__Cache__RedisEnabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };

    private string AdminVariable => "AUTOTUNE_TEST_ADMIN_" + Postgres.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Client connections the API processes hold now (everything but this query's own and the operator's).</summary>
    public async Task<int> ApiConnectionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Postgres.ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name <> 'autotune-operator'",
            connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<int> ExitCodeAfterStopAsync()
    {
        await _stop.CancelAsync();
        return _run is null ? 0 : await _run;
    }

    public async ValueTask DisposeAsync()
    {
        if (Load is not null)
        {
            await Load.DisposeAsync();
        }

        await _stop.CancelAsync();
        if (_run is not null)
        {
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        _stop.Dispose();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
