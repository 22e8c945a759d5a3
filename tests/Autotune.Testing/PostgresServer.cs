using System.Globalization;
using System.Text;
using Npgsql;

namespace Autotune.Testing;

/// <summary>
/// A real PostgreSQL server in a temporary directory on 127.0.0.1 and a free port, started with the Debian
/// package's initdb and pg_ctl (as the <c>postgres</c> user when the tests run as root). Disposing stops it and
/// deletes the directory.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private readonly string _root;
    private readonly string _data;
    private readonly string _log;
    private bool _disposed;

    private PostgresServer(string root, int port)
    {
        _root = root;
        _data = Path.Combine(root, "data");
        _log = Path.Combine(root, "postgres.log");
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Superuser connection string to the <c>postgres</c> database (trust authentication on loopback).</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Superuser connection string to one database.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
    }.ConnectionString;

    /// <summary>Creates the data directory and starts the server with the given max_connections and further postgresql.conf settings.</summary>
    public static async Task<PostgresServer> StartAsync(int maxConnections = 100, IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default)
    {
        var root = Directory.CreateTempSubdirectory("autotune-pg-").FullName;
        if (ProcessRunner.IsRoot)
        {
            await ProcessRunner.RunAsync("chown", [OsUser, root], cancellationToken: cancellationToken);
        }

        var server = new PostgresServer(root, FreePort.Next());
        try
        {
            await ProcessRunner.RunAsync(
                Binaries.Postgres("initdb"),
                ["-D", server._data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-instructions"],
                OsUser,
                cancellationToken);

            var conf = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"port = {server.Port}")
                .AppendLine("listen_addresses = '127.0.0.1'")
                .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{root}'")
                .AppendLine(CultureInfo.InvariantCulture, $"max_connections = {maxConnections}")
                .AppendLine("fsync = off")
                .AppendLine("full_page_writes = off")
                .AppendLine("shared_buffers = 64MB");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                conf.AppendLine(CultureInfo.InvariantCulture, $"{key} = {value}");
            }

            await File.AppendAllTextAsync(Path.Combine(server._data, "postgresql.conf"), conf.ToString(), cancellationToken);
            await server.StartExistingAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>.</summary>
    public async Task StartExistingAsync(CancellationToken cancellationToken = default)
    {
        await PgCtlAsync(["start", "-w", "-t", "60", "-l", _log], cancellationToken);
    }

    /// <summary>Stops the server (fast shutdown: open sessions are ended with 57P01).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await PgCtlAsync(["stop", "-w", "-m", "fast", "-t", "60"], cancellationToken);
    }

    /// <summary>Restarts the server, as a max_connections change requires.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await PgCtlAsync(["restart", "-w", "-m", "fast", "-t", "60", "-l", _log], cancellationToken);
    }

    /// <summary>Creates a fresh database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// Creates a login role that owns <paramref name="database"/> and is not a superuser, and returns a connection string
    /// for it: an application's connections then leave superuser_reserved_connections to the admin connection.
    /// </summary>
    public async Task<string> CreateOwnerAsync(string database, string role, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE ROLE \"{role}\" LOGIN NOSUPERUSER; ALTER DATABASE \"{database}\" OWNER TO \"{role}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new NpgsqlConnectionStringBuilder(ConnectionStringFor(database)) { Username = role }.ConnectionString;
    }

    /// <summary>The command a local-mode operator would run to restart this server.</summary>
    public IReadOnlyList<string> RestartCommand =>
        ProcessRunner.IsRoot
            ? ["runuser", "-u", OsUser, "--", Binaries.Postgres("pg_ctl"), "restart", "-w", "-m", "fast", "-D", _data, "-l", _log]
            : [Binaries.Postgres("pg_ctl"), "restart", "-w", "-m", "fast", "-D", _data, "-l", _log];

    /// <summary>The data directory; postmaster.pid in it names the running postmaster.</summary>
    public string DataDirectory => _data;

    /// <summary>The server's log so far, for assertion messages.</summary>
    public string Log => File.Exists(_log) ? File.ReadAllText(_log) : string.Empty;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(_data, "postmaster.pid")))
            {
                await PgCtlAsync(["stop", "-w", "-m", "immediate", "-t", "30"], CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp directory is reclaimed by the OS.
        }
    }

    private Task<string> PgCtlAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(Binaries.Postgres("pg_ctl"), ["-D", _data, .. arguments], OsUser, cancellationToken);
}
