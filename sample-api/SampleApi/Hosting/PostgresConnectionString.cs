using System.Globalization;
using Npgsql;

namespace SampleApi.Hosting;

/// <summary>
/// The connection string the API runs with: the configured one plus the settings this API relies on. Never logged.
/// </summary>
internal static class PostgresConnectionString
{
    public const string Name = "Postgres";

    public static string Build(IConfiguration configuration, SampleApiOptions options)
    {
        var configured = configuration.GetConnectionString(Name);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException($"ConnectionStrings:{Name} (env ConnectionStrings__{Name}) must be set");
        }

        var builder = new NpgsqlConnectionStringBuilder(configured)
        {
            // Waiting for a pooled connection is bounded: past it the request gets 503, not a hang.
            Timeout = options.PoolWaitTimeoutSeconds,
            // Backstop only: the server-side statement_timeout below ends slow queries without a client cancel.
            CommandTimeout = (options.QueryTimeoutMilliseconds / 1000) + 5,
            // Prepared statements for the hot queries, and no DISCARD ALL on return: the API keeps no session state
            // (the batch import's SET LOCAL ends with its transaction).
            MaxAutoPrepare = Math.Max(new NpgsqlConnectionStringBuilder(configured).MaxAutoPrepare, 16),
            NoResetOnClose = true,
        };
        var statementTimeout = string.Create(CultureInfo.InvariantCulture, $"-c statement_timeout={options.QueryTimeoutMilliseconds}");
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? statementTimeout : $"{builder.Options} {statementTimeout}";
        builder.ApplicationName ??= "sample-api";
        return builder.ConnectionString;
    }
}
