using SampleApi.Caching;
using StackExchange.Redis;

namespace SampleApi.Hosting;

/// <summary>Registers the cache path of GET /users/{id}: in-process, Redis (when configured) and the write path.</summary>
internal static class CacheRegistration
{
    public const string RedisConnectionStringName = "Redis";

    public static WebApplicationBuilder AddUserCaching(this WebApplicationBuilder builder, SampleApiOptions options)
    {
        var services = builder.Services;
        var redis = builder.Configuration.GetConnectionString(RedisConnectionStringName);
        if (!string.IsNullOrWhiteSpace(redis) && options.Cache.RedisEnabled)
        {
            var configuration = ConfigurationOptions.Parse(redis);
            configuration.AbortOnConnectFail = false;
            configuration.ConnectTimeout = 1_000;
            configuration.AsyncTimeout = 1_000;
            configuration.SyncTimeout = 1_000;
            configuration.ConnectRetry = 1;
            // Connects in the background: the API starts, and serves from PostgreSQL, while Redis is down.
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration));
        }

        services.AddSingleton<CacheMetrics>();
        services.AddSingleton<LocalUserCache>();
        services.AddSingleton<RedisUserCache>();
        services.AddSingleton<UserFlights>();
        services.AddSingleton<BackfillQueue>();
        services.AddSingleton<UserReader>();
        services.AddSingleton<UserWriter>();
        services.AddHostedService<BackfillWorker>();
        services.AddHostedService<InvalidationSubscriber>();
        services.AddHostedService<LocalCacheSweeper>();
        return builder;
    }
}
