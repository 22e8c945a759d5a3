using System.Diagnostics;

namespace Autotune.Operator.Local;

/// <summary>What a command run to its end left: its exit code and the last lines it wrote.</summary>
public sealed record CommandResult(int ExitCode, OutputTail Output);

/// <summary>
/// Runs a command (argv, no shell) to its end within a timeout. A command that outlives the timeout is killed with
/// every process it started, so nothing it does can land after its caller has reported it failed. Its output is read
/// by tasks this runner owns and always awaits; a process the command left behind holding the output pipes open
/// (a daemon) delays the result by at most <see cref="OutputGrace"/>.
/// </summary>
public static class CommandRunner
{
    /// <summary>How long the output may keep flowing after the command exited or was killed.</summary>
    public static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs <paramref name="argv"/>. Throws <see cref="TimeoutException"/> (after killing the process tree) when it
    /// has not exited within <paramref name="timeout"/>; when <paramref name="cancellationToken"/> is cancelled, stops
    /// waiting and leaves the command to finish on its own (it may be halfway through restarting a server).
    /// </summary>
    public static async Task<CommandResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in argv.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {argv[0]}");
        var output = new OutputTail();
        using var reading = new CancellationTokenSource();
        var pumps = new[] { PumpAsync(process.StandardOutput, output, reading.Token), PumpAsync(process.StandardError, output, reading.Token) };
        using var timer = new CancellationTokenSource(timeout);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            await DrainAsync(pumps, reading, OutputGrace);
            var last = output.Last(5);
            throw new TimeoutException(
                $"{argv[0]} did not finish within {timeout.TotalSeconds:0.#} s and was killed with its child processes{(last.Length > 0 ? ": " + last : string.Empty)}");
        }
        catch (OperationCanceledException)
        {
            await DrainAsync(pumps, reading, TimeSpan.Zero);
            throw;
        }

        await DrainAsync(pumps, reading, OutputGrace);
        return new CommandResult(process.ExitCode, output);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
    }

    private static async Task PumpAsync(StreamReader reader, OutputTail output, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            output.Add(line);
        }
    }

    /// <summary>Waits up to <paramref name="grace"/> for the end of output, then stops reading; every pump is awaited either way.</summary>
    private static async Task DrainAsync(Task[] pumps, CancellationTokenSource reading, TimeSpan grace)
    {
        if (grace > TimeSpan.Zero)
        {
            reading.CancelAfter(grace);
        }
        else
        {
            await reading.CancelAsync();
        }

        foreach (var pump in pumps)
        {
            try
            {
                await pump;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Output cut short: what arrived is kept.
            }
        }
    }
}
