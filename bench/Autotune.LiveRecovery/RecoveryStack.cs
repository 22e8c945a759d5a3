using System.Globalization;
using System.Security.Cryptography;
using Autotune.Contracts;
using Autotune.Testing;
using Npgsql;

namespace Autotune.LiveRecovery;

/// <summary>A real PostgreSQL and Redis on loopback for every run, and the sample API's environment (the demo's profile).</summary>
public sealed class RecoveryStack : IAsyncDisposable
{
    private PostgresServer? _postgres;
    private RedisServer? _redis;
    private string? _database;

    private RecoveryStack(string workDirectory)
    {
        WorkDirectory = workDirectory;
    }

    /// <summary>Holds each run's tuning file.</summary>
    public string WorkDirectory { get; }

    /// <summary>The API key (random per run of the benchmark).</summary>
    public string ApiKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Starts PostgreSQL (max_connections 100: enough for the fixed pool, no restart needed) and Redis.</summary>
    public static async Task<RecoveryStack> StartAsync(CancellationToken cancellationToken)
    {
        var stack = new RecoveryStack(Directory.CreateTempSubdirectory("autotune-recovery-").FullName);
        try
        {
            stack._postgres = await PostgresServer.StartAsync(100, cancellationToken: cancellationToken);
            stack._redis = await RedisServer.StartAsync(cancellationToken);
            stack._database = await stack._postgres.CreateDatabaseAsync("sampleapi", cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The environment of one API process: reads on the blocking data path, a 50 ms simulated round trip, the
    /// starting pool, no in-process cache and 1 s Redis entries (every read reaches PostgreSQL), as in the demo.
    /// </summary>
    public IDictionary<string, string> ApiEnvironment(RecoveryOptions options, string tuningFile, int metricsPort, TimeSpan? shedAfter, string contentRoot)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_CONTENTROOT"] = contentRoot,
            ["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(_database) { MaxPoolSize = options.StartingPoolSize }.ConnectionString,
            ["ConnectionStrings__Redis"] = _redis!.ConnectionString,
            ["SampleApi__ApiKey"] = ApiKey,
            ["SampleApi__SeedUsers"] = options.Users.ToString(CultureInfo.InvariantCulture),
            ["SampleApi__Demo__BlockingDataPath"] = "true",
            ["SampleApi__Demo__SimulatedRoundTripMilliseconds"] = "50",
            ["SampleApi__Cache__LocalEnabled"] = "false",
            ["SampleApi__Cache__RedisTtlSeconds"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
            [AgentEnvironment.TuningFile] = tuningFile,
            [AgentEnvironment.MetricsPort] = metricsPort.ToString(CultureInfo.InvariantCulture),
            [AgentEnvironment.MetricsAddress] = "127.0.0.1",
        };
        if (shedAfter is { } after)
        {
            env[AgentEnvironment.ShedAfterMilliseconds] = ((int)after.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        return env;
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
}
