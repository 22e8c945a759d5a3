using Autotune.Agent;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SampleApi.Caching;
using SampleApi.Data;

namespace SampleApi.Endpoints;

/// <summary>What /readyz found.</summary>
public sealed record Readiness(string Postgres, string Redis);

/// <summary>/healthz (the process answers) and /readyz (PostgreSQL and Redis reachable, schema in place).</summary>
public static class HealthEndpoints
{
    /// <summary>Paths answered without an API key (probes carry none).</summary>
    public static readonly string[] AnonymousPaths = ["/healthz", "/readyz"];

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Maps the probes.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("alive"));
        app.MapGet("/readyz", Ready);
        return app;
    }

    internal static async Task<Results<Ok<Readiness>, JsonHttpResult<Readiness>>> Ready(ITunedDataSource dataSource, UserSchema schema, RedisUserCache redis)
    {
        var postgres = schema.IsReady ? await PingPostgresAsync(dataSource) : "schema not ready";
        var redisState = !redis.Enabled ? "disabled" : await redis.PingAsync(ProbeTimeout) ? "ok" : "unreachable";
        var readiness = new Readiness(postgres, redisState);
        return postgres == "ok" && redisState is "ok" or "disabled"
            ? TypedResults.Ok(readiness)
            : TypedResults.Json(readiness, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> PingPostgresAsync(ITunedDataSource dataSource)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand(UserSql.Ping, connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return "ok";
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return "unreachable";
        }
    }
}
