using Autotune.Testing;

namespace SampleApi.Tests.Infrastructure;

/// <summary>The configuration a test's API runs with: a fresh database, a Redis key prefix of its own, a small seed.</summary>
internal static class ApiSettings
{
    public const string ApiKey = "test-key-1234";

    public static async Task<Dictionary<string, string?>> ForAsync(PostgresServer postgres, RedisServer? redis, CancellationToken cancellationToken, int seedUsers = 1_000)
    {
        var database = await postgres.CreateDatabaseAsync(cancellationToken: cancellationToken);
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database,
            ["ConnectionStrings:Redis"] = redis?.ConnectionString ?? string.Empty,
            ["SampleApi:ApiKey"] = ApiKey,
            ["SampleApi:SeedUsers"] = seedUsers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SampleApi:Cache:RedisKeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..8] + ":",
            ["Logging:LogLevel:Default"] = "Error",
            ["AUTOTUNE_METRICS_PORT"] = "0",
            ["AUTOTUNE_METRICS_ADDRESS"] = "127.0.0.1",
        };
    }
}
