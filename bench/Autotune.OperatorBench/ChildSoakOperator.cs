using System.Diagnostics;

namespace Autotune.OperatorBench;

/// <summary>
/// One operator instance of the fault soak in a child process (this program with <c>soak-operator URL IDENTITY TOKEN</c>):
/// the leader-elected controller of <see cref="SoakOperator"/>, authenticated by its own token. <see cref="KillAsync"/> sends
/// it SIGKILL: nothing in the process runs again, whatever it was doing.
/// </summary>
public sealed class ChildSoakOperator : IAsyncDisposable
{
    private readonly Process _process;

    private ChildSoakOperator(Process process, string identity)
    {
        _process = process;
        Identity = identity;
    }

    /// <summary>The identity in the Lease, and the user of its requests.</summary>
    public string Identity { get; }

    /// <summary>The child's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts an instance competing for the Lease against <paramref name="url"/>.</summary>
    public static ChildSoakOperator Start(string url, string identity, string token)
    {
        var info = ChildProcessOperator.StartInfo([SoakOperatorChild.Command, url, identity, token]);
        return new ChildSoakOperator(Process.Start(info) ?? throw new InvalidOperationException("the operator process did not start"), identity);
    }

    /// <summary>Kills the process with SIGKILL (<see cref="Process.Kill()"/>) and waits for it to be gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill();
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Asked to stop (stdin closed); killed if it does not within its shutdown grace.
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}

/// <summary>The child side of <see cref="ChildSoakOperator"/>.</summary>
public static class SoakOperatorChild
{
    /// <summary>The first argument that makes this program a soak operator.</summary>
    public const string Command = "soak-operator";

    /// <summary>Runs a <see cref="SoakOperator"/> until stdin closes (or the process is killed).</summary>
    public static async Task<int> RunAsync(string url, string identity, string token)
    {
        await using var instance = SoakOperator.Start(url, identity, token);
        while (await Console.In.ReadLineAsync() is not null)
        {
            // Nothing is read; the parent only closes stdin to stop.
        }

        return 0;
    }
}
