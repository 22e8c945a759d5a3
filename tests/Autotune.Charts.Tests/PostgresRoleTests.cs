using Autotune.KubeApi.Authorization;
using Autotune.Testing;
using Npgsql;
using Xunit;

namespace Autotune.Charts.Tests;

/// <summary>The sample stack's init script, run against a real PostgreSQL as the postgres image's entrypoint runs it.</summary>
public sealed class PostgresRoleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_tuning_role_can_alter_max_connections_and_read_activity_but_is_not_a_superuser()
    {
        await using var server = await PostgresServer.StartAsync(cancellationToken: Ct);
        await RunInitScriptAsync(server.Port);
        var tuner = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = "autotune", Pooling = false }.ConnectionString;

        await using var connection = new NpgsqlConnection(tuner);
        await connection.OpenAsync(Ct);
        Assert.False(await ScalarAsync<bool>(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        Assert.True(await ScalarAsync<bool>(connection, "SELECT pg_has_role(current_user, 'pg_monitor', 'member')"));
        await ExecuteAsync(connection, "ALTER SYSTEM SET max_connections = 150");
        Assert.True(await ScalarAsync<bool>(connection, "SELECT pg_reload_conf()"));
        Assert.True(await PendingRestartAsync(connection));
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync(Ct);
            await ExecuteAsync(admin, "SELECT 42");
            Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'postgres' AND query = '<insufficient privilege>'"));
            Assert.True(await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'postgres' AND query = 'SELECT 42'") == 1);
        }

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, "ALTER SYSTEM SET shared_buffers = '256MB'"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        var noRole = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, "CREATE ROLE intruder"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, noRole.SqlState);
    }

    [Fact]
    public async Task The_api_role_owns_its_database()
    {
        await using var server = await PostgresServer.StartAsync(cancellationToken: Ct);
        await RunInitScriptAsync(server.Port);
        var app = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = "sample_api", Database = "sample", Pooling = false }.ConnectionString;

        await using var connection = new NpgsqlConnection(app);
        await connection.OpenAsync(Ct);
        await ExecuteAsync(connection, "CREATE TABLE probe (id int)");
        Assert.False(await ScalarAsync<bool>(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    }

    private static async Task RunInitScriptAsync(int port)
    {
        var script = Path.Combine(Helm.RepoRoot, "charts", "sample-stack", "files", "init-roles.sh");
        var start = new System.Diagnostics.ProcessStartInfo("sh", [script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["POSTGRES_USER"] = "postgres";
        start.Environment["APP_PASSWORD"] = "app-secret";
        start.Environment["TUNER_PASSWORD"] = "tuner-secret";
        start.Environment["PGHOST"] = "127.0.0.1";
        start.Environment["PGPORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, await error);
    }

    // pg_reload_conf() only signals the postmaster; each backend rereads the file when it takes the signal, so the
    // session sees pending_restart some moments later (on a busy machine, after more than one query).
    private static async Task<bool> PendingRestartAsync(NpgsqlConnection connection)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (await ScalarAsync<bool>(connection, "SELECT pending_restart FROM pg_settings WHERE name = 'max_connections'"))
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50, Ct);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
