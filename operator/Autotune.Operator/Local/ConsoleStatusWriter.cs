using System.Globalization;
using System.Text.Json;
using Autotune.Engine.Decisions.Pass;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Local;

/// <summary>
/// Local mode's status: one progress line per window and one Event-shaped line per Event on the console, and
/// optionally the same as JSON lines in a record file (for the demo's report and plot, and for tests).
/// </summary>
public sealed class ConsoleStatusWriter(TextWriter output, string? recordPath) : IStatusWriter
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <inheritdoc />
    public async Task ReportAsync(PassOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);

        // The window's line first: an Event reads after the numbers it was decided on.
        await WriteAsync(TuningProgress.Of(outcome), cancellationToken);
        foreach (var tuningEvent in outcome.Events)
        {
            await EventAsync(tuningEvent, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task EventAsync(TuningEvent tuningEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tuningEvent);
        var line = string.Create(CultureInfo.InvariantCulture, $"{tuningEvent.Time:HH:mm:ss} {tuningEvent.Type,-7} {tuningEvent.Reason}: {tuningEvent.Message}");
        return WriteAsync(line, new { kind = "event", tuningEvent.Time, tuningEvent.Type, tuningEvent.Reason, tuningEvent.Message }, cancellationToken);
    }

    /// <summary>Writes one window's progress line (and its JSON record).</summary>
    public Task WriteAsync(TuningProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{progress.Time:HH:mm:ss} window  {progress.Rps,7:0.0} req/s  p99 {Ms(progress.P99Ms)}  under objective {Percent(progress.ShareUnderObjective)}  pool wait p99 {Ms(progress.PoolWaitP99Ms)}  pool {Percent(progress.PoolUsage)} used, {Number(progress.PendingRequests)} waiting  queue {Number(progress.QueueDepth)}  cpu {Percent(progress.CpuUtilization)}  pods {progress.Pods}  | {progress.Settings} | {progress.Bottleneck} | {progress.Decision}");
        return WriteAsync(line, new { kind = "window", progress.Time, progress.Bottleneck, progress.Rps, progress.P99Ms, progress.ShareUnderObjective, progress.PoolWaitP99Ms, progress.PoolUsage, progress.PendingRequests, progress.QueueDepth, progress.CpuUtilization, progress.Pods, progress.Settings, progress.Applied, progress.Decision }, cancellationToken);
    }

    private async Task WriteAsync(string line, object record, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await output.WriteLineAsync(line.AsMemory(), cancellationToken);
            await output.FlushAsync(cancellationToken);
            if (recordPath is not null)
            {
                await File.AppendAllTextAsync(recordPath, JsonSerializer.Serialize(record, Json) + "\n", cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Ms(double value) => double.IsNaN(value) ? "    -" : string.Create(CultureInfo.InvariantCulture, $"{value,5:0} ms");

    private static string Percent(double value) => double.IsNaN(value) ? "   -" : string.Create(CultureInfo.InvariantCulture, $"{value * 100,5:0.0}%");

    private static string Number(double value) => double.IsNaN(value) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0}");
}
