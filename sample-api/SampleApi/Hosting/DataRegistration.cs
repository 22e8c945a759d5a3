using Autotune.Agent;
using Npgsql;
using SampleApi.Data;

namespace SampleApi.Hosting;

/// <summary>Registers PostgreSQL access: the tuned data source, the store and the schema.</summary>
internal static class DataRegistration
{
    public static WebApplicationBuilder AddUserData(this WebApplicationBuilder builder, SampleApiOptions options)
    {
        var connectionString = PostgresConnectionString.Build(builder.Configuration, options);
        builder.Services.AddSingleton<ITunedDataSource>(_ =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
            return new TemporaryTunedDataSource(dataSource, new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize);
        });
        builder.Services.AddSingleton<SimulatedRoundTrip>();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<UserSchema>();
        builder.Services.AddHostedService<SchemaInitializer>();
        return builder;
    }
}
