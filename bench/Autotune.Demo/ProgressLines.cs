using System.Globalization;
using Autotune.Engine.Metrics.Windows;
using Autotune.Load;

namespace Autotune.Demo;

/// <summary>The demo's own console lines: one per load step, the client's view beside the server's.</summary>
public static class ProgressLines
{
    /// <summary>One step: offered and completed rate, latency from the intended send time, errors, the server's pool wait and queue, the generator's health.</summary>
    public static string Step(string phase, IntervalReport step, ObservedWindow? server, double objectiveMs) =>
        FormattableString.Invariant($"{DateTimeOffset.UtcNow:HH:mm:ss} {phase,-6} {step.OfferedRate,5:0} req/s offered {step.CompletedRate,6:0.0} ok/s  p50 {Ms(step.P50Ms)}  p99 {Ms(step.P99Ms)}  {Held(step, objectiveMs)}  errors {Errors(step)}")
        + (server is null ? string.Empty : FormattableString.Invariant($"  | server: pool wait p99 {Ms(server.PoolWaitP99Ms)}  queue {Num(server.QueueDepthMean)}"))
        + FormattableString.Invariant($"  | generator cpu {step.GeneratorCpuCores:0.00} cores, send lag p99 {step.SendLagP99Ms:0.0} ms");

    /// <summary>"held" when P99 and errors are within the objective, else "MISSED".</summary>
    public static string Held(IntervalReport step, double objectiveMs) => step.Held(objectiveMs, maxSendLagMs: double.PositiveInfinity) ? "held  " : "MISSED";

    /// <summary>Errors as a share and by kind.</summary>
    public static string Errors(IntervalReport step) =>
        step.ErrorCount == 0
            ? "0"
            : string.Create(CultureInfo.InvariantCulture, $"{step.ErrorShare * 100:0.0}% ({string.Join(", ", step.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value}"))})");

    /// <summary>Milliseconds, or "-".</summary>
    public static string Ms(double value) =>
        double.IsNaN(value) ? "    -   " : string.Create(CultureInfo.InvariantCulture, $"{value,5:0} ms");

    private static string Num(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0", CultureInfo.InvariantCulture);
}
