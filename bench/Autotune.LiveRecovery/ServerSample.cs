using System.Globalization;

namespace Autotune.LiveRecovery;

/// <summary>What one scrape of the agent said, summed over labels: the series the recovery is read from.</summary>
/// <param name="At">Seconds from the load's start.</param>
/// <param name="QueueLength">Thread-pool work items queued.</param>
/// <param name="Threads">Thread-pool threads.</param>
/// <param name="QueueDelayMs">The agent's thread-pool queue delay.</param>
/// <param name="Shed">Requests shed so far.</param>
/// <param name="Generation">Tuning generation applied.</param>
public sealed record ServerSample(double At, double QueueLength, double Threads, double QueueDelayMs, double Shed, double Generation)
{
    /// <summary>Reads the series from Prometheus text (each summed over its label sets).</summary>
    public static ServerSample Parse(double at, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = line.LastIndexOf(' ');
            if (nameEnd <= 0 || valueStart <= 0
                || !double.TryParse(line.AsSpan(valueStart + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var name = line[..nameEnd];
            sums[name] = sums.GetValueOrDefault(name) + value;
        }

        double Get(string name) => sums.GetValueOrDefault(name, double.NaN);
        return new ServerSample(
            at,
            Get("dotnet_thread_pool_queue_length_total"),
            Get("dotnet_thread_pool_thread_count_total"),
            Get("autotune_thread_pool_queue_delay_seconds") * 1000,
            Get("autotune_http_requests_shed_total"),
            Get("autotune_tuning_generation"));
    }
}
