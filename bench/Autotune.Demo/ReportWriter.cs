using System.Globalization;
using System.Text;
using Autotune.Load;

namespace Autotune.Demo;

/// <summary>The Markdown report and the console's before/after table.</summary>
public static class ReportWriter
{
    /// <summary>The before/after table, one row per ramp step, as console text.</summary>
    public static string ConsoleTable(BeforeAfter comparison)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"{"offered",8} | {"before: ok/s",12} {"p50",8} {"p99",8} {"pool wait",9} {"errors",7} | {"after: ok/s",12} {"p50",8} {"p99",8} {"pool wait",9} {"errors",7}"));
        foreach (var (before, after, i) in comparison.Pairs)
        {
            text.AppendLine(Invariant($"{before.OfferedRate,6:0}/s | {before.CompletedRate,12:0.0} {Ms(before.P50Ms),8} {Ms(before.P99Ms),8} {Ms(PoolWait(comparison.Before, i)),9} {Percent(before.ErrorShare),7} | {after.CompletedRate,12:0.0} {Ms(after.P50Ms),8} {Ms(after.P99Ms),8} {Ms(PoolWait(comparison.After, i)),9} {Percent(after.ErrorShare),7}"));
        }

        text.AppendLine(Invariant($"highest rate held at p99 <= {comparison.ObjectiveMs:0} ms and errors <= 0.1%: before {comparison.HighestHeld(comparison.Before):0} req/s, after {comparison.HighestHeld(comparison.After):0} req/s"));
        return text.ToString();
    }

    /// <summary>The Markdown report.</summary>
    public static string Markdown(BeforeAfter comparison, PhaseResult tuning, LocalRecord record, DemoScenario scenario, string plotFile, TimeSpan took)
    {
        var md = new StringBuilder();
        md.AppendLine("# Autotune demo report").AppendLine();
        md.AppendLine(Invariant($"Run {comparison.Before.StartedAt:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {took.TotalMinutes:0.0} minutes end to end. "))
          .AppendLine(Invariant($"The sample API started mis-tuned: reads on the blocking data path, {scenario.RoundTripMilliseconds} ms simulated database round trips, pool {scenario.StartingPoolSize}, PostgreSQL max_connections {scenario.StartingMaxConnections}. "))
          .AppendLine(Invariant($"Load: open loop (constant arrival rate per step, latency from the intended send time), GET /users/{{id}} with {scenario.PutShare:P0} PUTs over {scenario.Users:N0} users."))
          .AppendLine();
        md.AppendLine("## Settings").AppendLine();
        md.AppendLine("| | settings |").AppendLine("|---|---|");
        md.AppendLine($"| before | {comparison.Before.Settings} |");
        md.AppendLine($"| after | {comparison.After.Settings} |").AppendLine();
        md.AppendLine("## Before and after: the same ramp").AppendLine();
        md.AppendLine(Invariant($"Highest rate held (p99 <= {comparison.ObjectiveMs:0} ms, errors <= 0.1%): **before {comparison.HighestHeld(comparison.Before):0} req/s, after {comparison.HighestHeld(comparison.After):0} req/s**.")).AppendLine();
        md.AppendLine("| offered | before ok/s | p50 | p99 | pool wait p99 | errors | after ok/s | p50 | p99 | pool wait p99 | errors |");
        md.AppendLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|");
        foreach (var (before, after, i) in comparison.Pairs)
        {
            md.AppendLine(Invariant($"| {before.OfferedRate:0}/s | {before.CompletedRate:0.0} | {Ms(before.P50Ms)} | {Ms(before.P99Ms)} | {Ms(PoolWait(comparison.Before, i))} | {ProgressLines.Errors(before)} | {after.CompletedRate:0.0} | {Ms(after.P50Ms)} | {Ms(after.P99Ms)} | {Ms(PoolWait(comparison.After, i))} | {ProgressLines.Errors(after)} |"));
        }

        md.AppendLine().AppendLine($"![throughput and p99 over time]({plotFile})").AppendLine();
        md.AppendLine("## What the operator did").AppendLine();
        foreach (var e in record.Events)
        {
            md.AppendLine(Invariant($"- {e.Time:HH:mm:ss} **{e.Type} {e.Reason}**: {e.Message}"));
        }

        md.AppendLine().AppendLine("| window end | req/s | p99 | under objective | pool wait p99 | pool used | waiting | queue | cpu | pods | bottleneck | decision |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var w in record.Windows)
        {
            md.AppendLine(Invariant($"| {w.Time:HH:mm:ss} | {w.Rps:0.0} | {Ms(w.P99Ms)} | {Percent(w.ShareUnderObjective)} | {Ms(w.PoolWaitP99Ms)} | {Percent(w.PoolUsage)} | {(double.IsNaN(w.PendingRequests) ? "-" : Invariant($"{w.PendingRequests:0.0}"))} | {w.QueueDepth:0.0} | {Percent(w.Cpu)} | {w.Pods} | {w.Bottleneck} | {w.Decision.Replace("|", "/", StringComparison.Ordinal)} |"));
        }

        md.AppendLine().AppendLine("## The load generator's own health").AppendLine();
        var all = comparison.Before.Steps.Concat(tuning.Steps).Concat(comparison.After.Steps).ToList();
        md.AppendLine(Invariant($"Send lag p99 per step: at most {Max(all, s => s.SendLagP99Ms):0.0} ms; generator CPU per step: at most {Max(all, s => s.GeneratorCpuCores):0.00} cores (the demo process: generator and local mode)."));
        var late = comparison.LateSteps.ToList();
        md.AppendLine(late.Count == 0
            ? "Every before/after step was sent on schedule (send-lag p99 <= 5 ms)."
            : Invariant($"{late.Count} before/after step(s) had a send-lag p99 over 5 ms: the machine was busy, and their latencies include the generator's lateness."));
        return md.ToString();
    }

    private static double PoolWait(PhaseResult phase, int step) => step < phase.ServerWindows.Count ? phase.ServerWindows[step]?.PoolWaitP99Ms ?? double.NaN : double.NaN;

    private static double Max(IEnumerable<IntervalReport> steps, Func<IntervalReport, double> value) =>
        steps.Select(value).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();

    private static string Ms(double value) => double.IsNaN(value) ? "-" : Invariant($"{value:0} ms");

    private static string Percent(double value) => double.IsNaN(value) ? "-" : Invariant($"{value * 100:0.0}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
