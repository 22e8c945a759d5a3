using System.Security.Cryptography;
using Autotune.Testing;
using Npgsql;

namespace Autotune.Demo;

/// <summary>
/// What the demo runs on: a real PostgreSQL (low max_connections) and Redis in temporary directories on loopback,
/// and a working directory for the tuning file. The API processes read their settings from this process's
/// environment, which they inherit. Disposing stops the servers and deletes every directory.
/// </summary>
public sealed class DemoStack : IAsyncDisposable
{
    /// <summary>The environment variable local mode reads the admin connection string from.</summary>
    public const string AdminEnv = "AUTOTUNE_POSTGRES_ADMIN";

    private readonly Dictionary<string, string> _apiEnvironment = new(StringComparer.Ordinal);
    private PostgresServer? _postgres;
    private RedisServer? _redis;

    private DemoStack(string workDirectory)
    {
        WorkDirectory = workDirectory;
    }

    /// <summary>Temporary directory for the tuning file and local mode's record.</summary>
    public string WorkDirectory { get; }

    /// <summary>The tuning file the agents read and local mode writes.</summary>
    public string TuningFile => Path.Combine(WorkDirectory, "tuning.json");

    /// <summary>Local mode's JSON-lines record of windows and Events.</summary>
    public string RecordFile => Path.Combine(WorkDirectory, "local-mode.jsonl");

    /// <summary>The API key the sample API demands (random per run).</summary>
    public string ApiKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The command that restarts PostgreSQL.</summary>
    public IReadOnlyList<string> PostgresRestart => _postgres!.RestartCommand;

    /// <summary>The sample API's settings, as environment variables for each API process (never logged).</summary>
    public IReadOnlyDictionary<string, string> ApiEnvironment => _apiEnvironment;

    /// <summary>Starts PostgreSQL and Redis and sets the API's environment.</summary>
    public static async Task<DemoStack> StartAsync(DemoScenario scenario, TextWriter output, CancellationToken cancellationToken)
    {
        var stack = new DemoStack(Directory.CreateTempSubdirectory("autotune-demo-").FullName);
        try
        {
            stack._postgres = await PostgresServer.StartAsync(scenario.StartingMaxConnections, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"demo: PostgreSQL on 127.0.0.1:{stack._postgres.Port} (max_connections {scenario.StartingMaxConnections})");
            stack._redis = await RedisServer.StartAsync(cancellationToken);
            await output.WriteLineAsync($"demo: Redis on 127.0.0.1:{stack._redis.Port}");
            // The API connects as the database's owner, not as a superuser, as in production: when its pools fill
            // max_connections, superuser_reserved_connections still admit the engine's admin connection.
            await stack._postgres.CreateDatabaseAsync("sampleapi", cancellationToken);
            var database = await stack._postgres.CreateOwnerAsync("sampleapi", "sampleapi", cancellationToken);
            stack.SetApiEnvironment(scenario, database);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads max_connections now (it changes when the operator restarts the server); waits out a restart in progress, up to a minute.</summary>
    public async Task<int> MaxConnectionsAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(1));
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_postgres!.ConnectionString + ";Pooling=false");
                await connection.OpenAsync(deadline.Token);
                await using var command = new NpgsqlCommand("SHOW max_connections", connection);
                return int.Parse((string)(await command.ExecuteScalarAsync(deadline.Token))!, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (NpgsqlException) when (!deadline.IsCancellationRequested)
            {
                // Shutting down or starting up (57P03): a restart is under way.
                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
        }
    }

    /// <summary>Sets max_connections (ALTER SYSTEM) and restarts PostgreSQL when it differs from the running value.</summary>
    public async Task SetMaxConnectionsAsync(int maxConnections, CancellationToken cancellationToken)
    {
        if (await MaxConnectionsAsync(cancellationToken) == maxConnections)
        {
            return;
        }

        await using (var connection = new NpgsqlConnection(_postgres!.ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ALTER SYSTEM SET max_connections = {maxConnections}"), connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await _postgres.RestartAsync(cancellationToken);
        var now = await MaxConnectionsAsync(cancellationToken);
        if (now != maxConnections)
        {
            throw new InvalidOperationException($"PostgreSQL reports max_connections {now} after a restart asked for {maxConnections}");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; nothing in it is needed after the run.
        }
    }

    // The sample API reads these (ConnectionStrings__*, SampleApi__*); local mode reads the admin connection from this process's environment.
    private void SetApiEnvironment(DemoScenario scenario, string database)
    {
        Environment.SetEnvironmentVariable(AdminEnv, _postgres!.ConnectionString);
        Set("ASPNETCORE_CONTENTROOT", Path.GetDirectoryName(SampleApiCommand.Create(SampleApiCommand.RepositoryRoot())[^1])!);
        var api = new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = scenario.StartingPoolSize };
        Set("ConnectionStrings__Postgres", api.ConnectionString);
        Set("ConnectionStrings__Redis", _redis!.ConnectionString);
        Set("SampleApi__ApiKey", ApiKey);
        Set("SampleApi__SeedUsers", scenario.Users.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("SampleApi__Demo__BlockingDataPath", scenario.BlockingDataPath ? "true" : "false");
        Set("SampleApi__Demo__SimulatedRoundTripMilliseconds", scenario.RoundTripMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Every read must reach PostgreSQL: no in-process cache, and Redis entries that expire before they are read again.
        Set("SampleApi__Cache__LocalEnabled", "false");
        Set("SampleApi__Cache__RedisTtlSeconds", "1");
        Set("Logging__LogLevel__Default", "Warning");
        foreach (var (name, value) in scenario.Environment)
        {
            Set(name, value);
        }
    }

    private void Set(string name, string value) => _apiEnvironment[name] = value;
}
