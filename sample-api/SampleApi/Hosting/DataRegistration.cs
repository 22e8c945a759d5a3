using Autotune.Agent;
using SampleApi.Caching;
using SampleApi.Data;

namespace SampleApi.Hosting;

/// <summary>Registers PostgreSQL access: the tuned data source, the store and the schema.</summary>
internal static class DataRegistration
{
    public static WebApplicationBuilder AddUserData(this WebApplicationBuilder builder, SampleApiOptions options)
    {
        var connectionString = PostgresConnectionString.Build(builder.Configuration, options);
        // Every connection comes through the agent, so the operator can resize the pool live and see its waits.
        builder.AddAutotuneAgent(agent =>
        {
            agent.ConnectionString = connectionString;
            agent.AdditionalMeters.Add(CacheMetrics.MeterName);
        });
        builder.Services.AddSingleton<SimulatedRoundTrip>();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<UserSchema>();
        builder.Services.AddHostedService<SchemaInitializer>();
        return builder;
    }
}
