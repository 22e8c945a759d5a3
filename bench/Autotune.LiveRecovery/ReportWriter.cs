using System.Globalization;
using System.Text;

namespace Autotune.LiveRecovery;

/// <summary>The runs as Markdown: a summary row per run, then each run second by second around the write.</summary>
public static class ReportWriter
{
    /// <summary>Writes the report.</summary>
    public static string Write(IReadOnlyList<RecoveryResult> runs, RecoveryOptions options, string command, string machine)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"Command: `{command}`  ").AppendLine(c, $"Machine: {machine}  ");
        md.AppendLine(c, $"Scenario: {options.Rate:0} req/s open loop for {options.Collapse.TotalSeconds:0} s (collapse) + {options.Recover.TotalSeconds:0} s; ")
            .AppendLine(c, $"settings written live: min threads {options.FixedMinThreads}, pool {options.FixedPoolSize}; objective P99 {options.Objective.TotalMilliseconds:0} ms; ")
            .AppendLine(c, $"recovered = the first of {options.HoldSeconds} consecutive seconds with >= {options.GoodputShare:P0} of offered answered 2xx and P99 <= objective.")
            .AppendLine();
        md.AppendLine("| run | goodput, collapse's last 10 s | written at | applied at | first good second after the write | recovered (held) after the write | goodput after the write | goodput, last 30 s | peak queue | shed |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs)
        {
            md.AppendLine(c, $"| {r.Name} | {Share(r.CollapseGoodput)} | {Seconds(r.WrittenAt)} | {Seconds(r.AppliedAt)} | {After(r.FirstGoodAfter)} | {After(r.RecoveredAfter)} | {Share(r.GoodputAfterWrite)} | {Share(r.FinalGoodput)} | {r.PeakQueue:0} | {r.Shed:0} |");
        }

        foreach (var r in runs)
        {
            var from = r.WrittenAt ?? options.Collapse.TotalSeconds;
            md.AppendLine().AppendLine(c, $"### {r.Name}").AppendLine();
            md.AppendLine("| s from write | offered | 2xx | P99 ms | errors | queue | queue delay ms | threads | shed (total) |");
            md.AppendLine("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
            foreach (var s in r.Seconds.Where(s => s.Start.TotalSeconds >= from - 10))
            {
                var t = s.Start.TotalSeconds - from;
                var server = r.Server.Where(x => x.At >= s.Start.TotalSeconds && x.At < s.Start.TotalSeconds + 1).LastOrDefault();
                var errors = string.Join(", ", s.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value}"));
                md.AppendLine(c, $"| {t:0} | {s.Offered} | {s.Succeeded} | {s.P99Ms:0} | {errors} | {server?.QueueLength:0} | {server?.QueueDelayMs:0} | {server?.Threads:0} | {server?.Shed:0} |");
            }
        }

        return md.ToString();

        static string Seconds(double? at) => at is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.0} s") : "-";
        static string After(double? at) => at is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0} s") : "not within the run";
        static string Share(double share) => double.IsNaN(share) ? "-" : share.ToString("P1", CultureInfo.InvariantCulture);
    }
}
