using System.Diagnostics;
using System.Text;

namespace Autotune.Testing;

/// <summary>A real Redis server on 127.0.0.1 and a free port, without persistence. Can be stopped and started again on the same port.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private RedisServer(string root, int port)
    {
        _root = root;
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>True while the server process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a new server.</summary>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new RedisServer(Directory.CreateTempSubdirectory("autotune-redis-").FullName, FreePort.Next());
        await server.StartExistingAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port.</summary>
    public async Task StartExistingAsync(CancellationToken cancellationToken = default)
    {
        _process = ProcessRunner.Start(
            Binaries.Require("redis-server", "redis-server"),
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _root, "--protected-mode", "no"],
            _log);
        await ProcessRunner.WaitForPortAsync(Port, TimeSpan.FromSeconds(30), () => _log.ToString(), _process, cancellationToken);
    }

    /// <summary>Stops the server (its data is lost).</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(10));
            _process.Dispose();
            _process = null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
