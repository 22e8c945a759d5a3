using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Autotune.Testing;

/// <summary>Runs helper programs for the tests and waits for servers to listen.</summary>
public static class ProcessRunner
{
    /// <summary>True when this process runs as root (PostgreSQL refuses to run as root).</summary>
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs a program to completion and returns its output; throws with the output when it fails.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, string? runAsUser = null, CancellationToken cancellationToken = default)
    {
        var info = StartInfo(fileName, arguments, runAsUser);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} exited with {process.ExitCode}: {output}");
        }

        return output;
    }

    /// <summary>Starts a long-running program, collecting its output for diagnostics.</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, StringBuilder log, string? runAsUser = null, IDictionary<string, string>? environment = null)
    {
        var info = StartInfo(fileName, arguments, runAsUser);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {fileName}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:port, or fails with the server's log.</summary>
    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Func<string> log, Process? process = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"the server exited with {process.ExitCode} before listening on {port}: {log()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing listened on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s: {log()}");
            }

            await Task.Delay(50, deadline.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Stops a process and its children; safe to call on one that already exited.</summary>
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(grace);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (OperationCanceledException)
        {
            // It did not die within the grace period; the OS reaps it when the test host exits.
        }
    }

    private static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, string? runAsUser)
    {
        ProcessStartInfo info;
        if (runAsUser is not null && IsRoot)
        {
            info = new ProcessStartInfo("runuser") { ArgumentList = { "-u", runAsUser, "--", fileName } };
        }
        else
        {
            info = new ProcessStartInfo(fileName);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.Length < 64_000)
            {
                log.AppendLine(line);
            }
        }
    }
}
