using System.Diagnostics;
using System.Globalization;

namespace Autotune.Operator.Local;

/// <summary>One API replica run by local mode: a process on its own loopback address.</summary>
internal sealed class ReplicaProcess(int index, string address, int httpPort, int metricsPort, Process process, OutputTail output)
{
    /// <summary>Replica number, from 0.</summary>
    public int Index { get; } = index;

    /// <summary>Its loopback address, e.g. 127.0.0.11.</summary>
    public string Address { get; } = address;

    /// <summary>Base URL of the API.</summary>
    public Uri ApiUrl { get; } = new(string.Create(CultureInfo.InvariantCulture, $"http://{address}:{httpPort}/"));

    /// <summary>URL of its metrics endpoint.</summary>
    public Uri MetricsUrl { get; } = new(string.Create(CultureInfo.InvariantCulture, $"http://{address}:{metricsPort}/metrics"));

    /// <summary>The process.</summary>
    public Process Process { get; } = process;

    /// <summary>The last lines it wrote, for errors.</summary>
    public OutputTail Output { get; } = output;

    /// <summary>Asks the process to stop (SIGTERM, so ASP.NET Core drains in-flight requests), then kills it after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Process.HasExited)
        {
            return;
        }

        try
        {
            using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (term is not null)
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(grace);
            await Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
    }
}
