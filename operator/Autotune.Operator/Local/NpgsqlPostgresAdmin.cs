using System.Globalization;
using Autotune.Engine.Decisions.Model;
using Autotune.Operator.Ports;
using Npgsql;

namespace Autotune.Operator.Local;

/// <summary>
/// The database server over one admin connection (the operator's own, counted in the reserve). Reads limits and use,
/// changes max_connections with ALTER SYSTEM, and restarts the server with the command it is given (pg_ctl for a
/// local server). The connection string is never logged or echoed.
/// </summary>
public sealed class NpgsqlPostgresAdmin : IPostgresAdmin, IAsyncDisposable
{
    private const string ReadSql = """
        SELECT current_setting('max_connections')::int,
               current_setting('superuser_reserved_connections')::int,
               (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend'),
               (SELECT pending_restart FROM pg_settings WHERE name = 'max_connections'),
               (SELECT setting::int FROM pg_file_settings WHERE name = 'max_connections' ORDER BY seqno DESC LIMIT 1)
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<string>? _restartCommand;
    private readonly TimeSpan _restartTimeout;

    /// <summary>Creates the admin port; <paramref name="restartCommand"/> (argv) restarts the server, or null when it may not be restarted here.</summary>
    public NpgsqlPostgresAdmin(string connectionString, IReadOnlyList<string>? restartCommand, TimeSpan restartTimeout)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = 1,
            ApplicationName = "autotune-operator",
            Timeout = 5,
            CommandTimeout = 10,
        };
        Server = $"{builder.Host}:{builder.Port}";
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _restartCommand = restartCommand;
        _restartTimeout = restartTimeout;
    }

    /// <summary>host:port of the server, the key of its connection ledger.</summary>
    public string Server { get; }

    /// <summary>True when a restart command was given.</summary>
    public bool CanRestart => _restartCommand is { Count: > 0 };

    /// <inheritdoc />
    public async Task<DatabaseState> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(ReadSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var maxConnections = reader.GetInt32(0);
        int? fileValue = await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetInt32(4);

        // pg_settings.pending_restart turns true only once this backend has processed the reload that
        // pg_reload_conf() merely signals, so read straight after a change it can still say false. pg_file_settings
        // reads the configuration files at each query: a value there other than the running one waits for a restart.
        var pending = (!await reader.IsDBNullAsync(3, cancellationToken) && reader.GetBoolean(3))
            || (fileValue is { } configured && configured != maxConnections);
        return new DatabaseState(
            Server,
            maxConnections,
            reader.GetInt32(1),
            reader.GetInt32(2),
            pending,
            pending && fileValue != maxConnections ? fileValue : null);
    }

    /// <inheritdoc />
    public async Task<DatabaseState> SetMaxConnectionsAsync(int value, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);

        // ALTER SYSTEM takes no parameters; the value is an int, formatted invariantly, so nothing can be injected.
        await using (var alter = _dataSource.CreateCommand(
            string.Create(CultureInfo.InvariantCulture, $"ALTER SYSTEM SET max_connections = {value}")))
        {
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var reload = _dataSource.CreateCommand("SELECT pg_reload_conf()"))
        {
            await reload.ExecuteScalarAsync(cancellationToken);
        }

        return await ReadAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        if (!CanRestart)
        {
            throw new InvalidOperationException("no restart command was given for the database server");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_restartTimeout);
        var result = await CommandRunner.RunAsync(_restartCommand!, _restartTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new RestartCommandFailedException(_restartCommand![0], result.ExitCode, result.Output.Last(5));
        }

        // Every pooled admin connection died with the old server: close them all now rather than meet each dead one.
        _dataSource.Clear();
        try
        {
            await WaitUntilAcceptingAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the database server did not accept connections within {_restartTimeout.TotalSeconds:0} s of the restart command");
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await using var command = _dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }
}
