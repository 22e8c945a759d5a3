namespace SampleApi.Data;

/// <summary>
/// Ensures the schema at start-up, retrying with capped backoff while PostgreSQL is unreachable, so the API
/// starts (and reports not ready) rather than crashing when the database comes up after it.
/// </summary>
internal sealed partial class SchemaInitializer(UserSchema schema, ILogger<SchemaInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var seeded = await schema.EnsureAsync(stoppingToken);
                LogReady(logger, seeded);
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                LogRetry(logger, ex.GetType().Name, ex.Message, delay.TotalMilliseconds);
            }

            await Task.Delay(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(100)), stoppingToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Users schema ready ({Seeded} rows seeded)")]
    private static partial void LogReady(ILogger logger, int seeded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Users schema not ready yet ({Error}: {Reason}); retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string error, string reason, double delayMs);
}
