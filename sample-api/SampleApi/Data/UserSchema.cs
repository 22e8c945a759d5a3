using System.Globalization;
using Autotune.Agent;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SampleApi.Hosting;

namespace SampleApi.Data;

/// <summary>Creates the users table idempotently and seeds it with binary COPY when it is empty.</summary>
internal sealed class UserSchema(ITunedDataSource dataSource, IOptions<SampleApiOptions> options)
{
    /// <summary>True once the schema exists in this process's database.</summary>
    public bool IsReady { get; private set; }

    /// <summary>Ensures the schema and the seed; returns the number of rows seeded (0 when the table had rows).</summary>
    public async Task<int> EnsureAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, UserSql.LockSeed, cancellationToken);
        await Execute(connection, UserSql.NoStatementTimeout, cancellationToken);
        await Execute(connection, UserSql.CreateSchema, cancellationToken);
        var seeded = 0;
        await using (var check = new NpgsqlCommand(UserSql.HasUsers, connection))
        {
            if (await check.ExecuteScalarAsync(cancellationToken) is false)
            {
                seeded = await SeedAsync(connection, options.Value.SeedUsers, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        IsReady = true;
        return seeded;
    }

    /// <summary>The seed's email domain for row <paramref name="i"/>: skewed, so the top-domains report has a shape.</summary>
    public static string SeedDomain(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"mail{(int)Math.Sqrt(i % 10_000)}.example");

    private static async Task<int> SeedAsync(NpgsqlConnection connection, int rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(UserSql.CopyUsers, cancellationToken);
        for (var i = 1; i <= rows; i++)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"User {i}"), NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"user{i}@{SeedDomain(i)}"), NpgsqlDbType.Text, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
        return rows;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
