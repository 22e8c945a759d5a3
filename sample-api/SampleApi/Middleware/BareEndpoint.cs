using System.Globalization;
using System.Text.Json;
using Autotune.Agent;
using Npgsql;
using SampleApi.Caching;
using SampleApi.Data;
using SampleApi.Hosting;
using SampleApi.Json;

namespace SampleApi.Middleware;

/// <summary>
/// The benchmark's baselines, answered before every middleware. Only mapped when <c>SampleApi:BareEndpoint</c> is
/// true. Each adds one layer of GET /users/{id}'s database path, so the benchmark can say what each layer costs:
/// <list type="bullet">
/// <item><c>GET /bare</c>: Kestrel alone.</item>
/// <item><c>GET /bare/npgsql/{id}</c>: one primary-key read on a plain Npgsql data source (the minimal endpoint).</item>
/// <item><c>GET /bare/tuned/{id}</c>: the same read on a connection from the agent's <see cref="ITunedDataSource"/>.</item>
/// <item><c>GET /bare/store/{id}</c>: <see cref="UserStore.FindAsync"/> (the idempotent-read retry wrapper).</item>
/// <item><c>GET /bare/reader/{id}</c>: <see cref="UserReader.GetAsync"/> (caches as configured, single-flight).</item>
/// </list>
/// GET /users/{id} then adds the middleware pipeline, routing and the minimal-API result types.
/// </summary>
internal static class BareEndpoint
{
    private static readonly byte[] Body = "ok"u8.ToArray();

    public static IApplicationBuilder UseBareEndpoint(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        var plain = new Lazy<NpgsqlDataSource>(() =>
            NpgsqlDataSource.Create(PostgresConnectionString.Build(
                services.GetRequiredService<IConfiguration>(),
                services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SampleApiOptions>>().Value)));
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() =>
        {
            if (plain.IsValueCreated)
            {
                plain.Value.Dispose();
            }
        });
        return app.Use((context, next) =>
        {
            var path = context.Request.Path.Value;
            if (path is null || !path.StartsWith("/bare", StringComparison.Ordinal))
            {
                return next(context);
            }

            if (path.Length == "/bare".Length)
            {
                context.Response.ContentType = "text/plain";
                context.Response.ContentLength = Body.Length;
                return context.Response.Body.WriteAsync(Body).AsTask();
            }

            var slash = path.LastIndexOf('/');
            if (!long.TryParse(path.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return next(context);
            }

            return path.AsSpan(0, slash) switch
            {
                "/bare/npgsql" => WriteAsync(context, ReadAsync(plain.Value, id)),
                "/bare/tuned" => WriteAsync(context, ReadAsync(services.GetRequiredService<ITunedDataSource>(), id)),
                "/bare/store" => WriteAsync(context, services.GetRequiredService<UserStore>().FindAsync(id)),
                "/bare/reader" => WriteAsync(context, services.GetRequiredService<UserReader>().GetAsync(id)),
                _ => next(context),
            };
        });
    }

    private static async Task<User?> ReadAsync(NpgsqlDataSource source, long id)
    {
        await using var connection = await source.OpenConnectionAsync();
        return await ReadAsync(connection, id);
    }

    private static async Task<User?> ReadAsync(ITunedDataSource source, long id)
    {
        await using var connection = await source.OpenConnectionAsync(CancellationToken.None);
        return await ReadAsync(connection, id);
    }

    private static async Task<User?> ReadAsync(NpgsqlConnection connection, long id)
    {
        await using var command = new NpgsqlCommand(UserSql.FindById, connection) { Parameters = { new() { Value = id } } };
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new User(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)) : null;
    }

    private static async Task WriteAsync(HttpContext context, Task<User?> read)
    {
        var user = await read;
        if (user is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, user, AppJsonContext.Default.User);
    }
}
