using Autotune.Operator.Local;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Autotune.Testing;
using Npgsql;
using Xunit;

namespace Autotune.Operator.Tests.Local;

public sealed class NpgsqlPostgresAdminTests
{
    [Fact]
    public async Task Reads_limits_and_client_connections()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(maxConnections: 40, cancellationToken: ct);
        await using var admin = new NpgsqlPostgresAdmin(server.ConnectionString, restartCommand: null, TimeSpan.FromSeconds(60));
        await using var other = new NpgsqlConnection(server.ConnectionString + ";Pooling=false");
        await other.OpenAsync(ct);

        var state = await admin.ReadAsync(ct);

        Assert.Equal($"127.0.0.1:{server.Port}", state.Server);
        Assert.Equal(40, state.MaxConnections);
        Assert.Equal(3, state.SuperuserReserved);
        Assert.Equal(2, state.Connections); // the admin connection and the other one
        Assert.False(state.PendingRestart);
        Assert.Null(state.PendingMaxConnections);
    }

    [Fact]
    public async Task A_value_in_the_configuration_files_other_than_the_running_one_is_pending_before_any_reload()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(maxConnections: 30, cancellationToken: ct);
        await using var admin = new NpgsqlPostgresAdmin(server.ConnectionString, restartCommand: null, TimeSpan.FromSeconds(60));
        await using (var other = new NpgsqlConnection(server.ConnectionString + ";Pooling=false"))
        {
            // No reload: pg_settings.pending_restart still says false here, as it can for a moment after one.
            await other.OpenAsync(ct);
            await using var alter = new NpgsqlCommand("ALTER SYSTEM SET max_connections = 52", other);
            await alter.ExecuteNonQueryAsync(ct);
        }

        var state = await admin.ReadAsync(ct);

        Assert.Equal((30, true, (int?)52), (state.MaxConnections, state.PendingRestart, state.PendingMaxConnections));
    }

    [Fact]
    public async Task Raises_max_connections_through_alter_system_and_a_restart_confirmed_by_show()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(maxConnections: 30, cancellationToken: ct);
        await using var admin = new NpgsqlPostgresAdmin(server.ConnectionString, server.RestartCommand, TimeSpan.FromSeconds(60));

        var pending = await admin.SetMaxConnectionsAsync(45, ct);

        Assert.True(pending.PendingRestart);
        Assert.Equal(30, pending.MaxConnections);
        Assert.Equal(45, pending.PendingMaxConnections);

        await admin.RestartAsync(ct);
        var after = await admin.ReadAsync(ct);

        Assert.Equal(45, after.MaxConnections);
        Assert.False(after.PendingRestart);
    }

    [Fact]
    public async Task Closes_its_pooled_admin_connection_after_the_restart_command_instead_of_reusing_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(cancellationToken: ct);
        // A command that restarts nothing: the pooled connection still works, so only a real clear of the data
        // source's pool replaces it (NpgsqlConnection.ClearPool never reaches a data source's pool).
        await using var admin = new NpgsqlPostgresAdmin(server.ConnectionString, ["true"], TimeSpan.FromSeconds(60));
        await using var observer = new NpgsqlConnection(server.ConnectionString + ";Pooling=false");
        await observer.OpenAsync(ct);
        await admin.ReadAsync(ct);
        var before = await AdminBackendsAsync(observer, ct);

        await admin.RestartAsync(ct);

        var after = await Eventually.UntilAsync(() => AdminBackendsAsync(observer, ct), b => !b.Intersect(before).Any(), TimeSpan.FromSeconds(10), "the admin connection from before the restart closed");
        Assert.Single(before);
        Assert.Single(after);
    }

    [Fact]
    public async Task A_restart_command_that_outlives_the_restart_timeout_is_killed_with_its_children_and_reported()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = new NpgsqlPostgresAdmin(
            "Host=127.0.0.1;Port=1;Username=nobody", ["sh", "-c", "sleep 300 & echo \"child $!\"; wait"], TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => admin.RestartAsync(ct));

        var child = ChildProcesses.PrintedPid(error.Message, "child");
        await Eventually.UntilAsync(() => !ChildProcesses.IsRunning(child), TimeSpan.FromSeconds(5), $"process {child} ended");
    }

    [Fact]
    public async Task A_failing_restart_command_is_reported_with_its_exit_code_and_last_output()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var admin = new NpgsqlPostgresAdmin(
            "Host=127.0.0.1;Port=1;Username=nobody", ["sh", "-c", "echo 'pg_ctl: could not start server' >&2; exit 1"], TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<RestartCommandFailedException>(() => admin.RestartAsync(ct));

        // The log has the command's last output; status and Events only its exit code.
        Assert.Equal("the restart command sh exited with 1: pg_ctl: could not start server", error.Message);
        Assert.Equal("the restart command sh exited with code 1", Autotune.Operator.Reconcile.FailureText.Of(error));
    }

    [Fact]
    public async Task Refuses_to_restart_without_a_restart_command()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(cancellationToken: ct);
        await using var admin = new NpgsqlPostgresAdmin(server.ConnectionString, restartCommand: null, TimeSpan.FromSeconds(60));

        Assert.False(admin.CanRestart);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => admin.RestartAsync(ct));
        Assert.Contains("no restart command", error.Message, StringComparison.Ordinal);
    }

    private static async Task<int[]> AdminBackendsAsync(NpgsqlConnection observer, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE application_name = 'autotune-operator' ORDER BY pid", observer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pids = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pids.Add(reader.GetInt32(0));
        }

        return [.. pids];
    }
}
