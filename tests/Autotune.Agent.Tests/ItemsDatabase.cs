using Npgsql;

namespace Autotune.Agent.Tests;

/// <summary>The table the data-access apps read: <c>items(id, name)</c> with ids 1..100.</summary>
internal static class ItemsDatabase
{
    /// <summary>One read that holds its connection for 3 ms, so pool swaps happen while connections are out.</summary>
    public const string SlowRead = "SELECT i.id, i.name FROM items i, pg_sleep(0.003) WHERE i.id = @id";

    public static async Task CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g",
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The maximum pool size a connection was opened with: which pool generation served it.</summary>
    public static int PoolSizeOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize;
}
