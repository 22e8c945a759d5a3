using System.Globalization;
using System.Text;
using Autotune.Simulation.Runner;

namespace Autotune.Simulation.Reporting;

/// <summary>Renders bench/results/engine.md: the targets, judged honestly, then every scenario's table and the engine's changes.</summary>
public static class EngineReport
{
    /// <summary>The command that rewrites the file.</summary>
    public const string Command = "dotnet run -c Release --project operator/Autotune.Simulation -- bench --out bench/results/engine.md";

    /// <summary>The markdown for <paramref name="outcomes"/>.</summary>
    public static string Render(IReadOnlyList<ScenarioOutcome> outcomes, int seed, double wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var sb = new StringBuilder();
        void Line(FormattableString s) => sb.Append(s.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"# Engine against baselines in the simulator");
        Line($"");
        Line($"Written by `{Command}` (seed {seed}, {outcomes.Count} scenarios, {wallSeconds:0} s wall on this machine, finished {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC).");
        Line($"Every run is one simulated hour at 100 ms ticks; each minute is judged on what really happened in the model (true P99 of all requests and the error rate, objective P99 {outcomes.FirstOrDefault()?.Scenario.Specs[0].Objectives.P99LatencyMs ?? 250:0} ms and at most 1% errors), not on what the metrics said.");
        Line($"Wall ms is the run's own time for one simulated hour (the engine's includes rendering, parsing and windowing every scrape; the optimum's run may stop early), on a machine with {Environment.ProcessorCount} cores and a load average of {LoadAverage()} when the report was written (a load above the core count means other work competed and the times are overstated).");
        Line($"The engine sees only the pods' Prometheus text, through its own parser and window builder, and decides once per 60 s window; baselines read the model directly. Model and calibration: docs/simulator.md.");
        Line($"");
        Targets(outcomes, Line);
        Line($"");
        Line($"## Per scenario");
        Line($"");
        Line($"Time to meet: first minute (from 0) in which every API met the objective. Steady state: the last {RunResult.SteadyMinutes} minutes (replica-minutes summed over APIs; connections = replicas x pool, mean). Cost ratio: engine steady replica-minutes / optimum's. Optimum: the cheapest static setting (same for every API) in a grid of replicas x min threads x pool x max_connections inside the budgets and the connection invariant that misses at most {OptimumSearch.AllowedMinutesOver} minute after a {OptimumSearch.WarmupMinutes}-minute warm-up.");
        foreach (var o in outcomes)
        {
            Line($"");
            Line($"### {o.Scenario.Name}{(o.Scenario.Feasible ? "" : " (infeasible by design)")}{(o.Scenario.Scored ? "" : " (not scored)")}");
            Line($"");
            Line($"{o.Scenario.Description}");
            Line($"");
            Line($"| controller | time to meet (min) | minutes over | steady replica-min | steady connections | max_connections at end | changes | reversals | violations | wall ms |");
            Line($"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var r in o.Baselines.Prepend(o.Engine))
            {
                Row(r, Line);
            }

            if (o.Optimum is { } opt)
            {
                Row(opt with { Controller = $"optimum: {o.OptimumSetting}" }, Line);
            }
            else
            {
                Line($"| optimum: no static setting in the grid meets the objective ({o.OptimumRuns} runs) | | | | | | | | | |");
            }

            Line($"");
            Line($"Engine changes ({o.Engine.Changes.Count}):");
            Line($"");
            foreach (var c in o.Engine.Changes.Take(12))
            {
                Line($"- t={c.Time / 60:0.0} min {c.Api} {c.Knob} {c.From} -> {c.To}{(c.Violation ? " **VIOLATION**" : "")}: {c.Reason}");
            }

            if (o.Engine.Changes.Count > 12)
            {
                Line($"- ... and {o.Engine.Changes.Count - 12} more");
            }
        }

        return sb.ToString();
    }

    private static void Row(RunResult r, Action<FormattableString> line) =>
        line($"| {r.Controller} | {r.MinutesToMeet?.ToString(CultureInfo.InvariantCulture) ?? "never"} | {r.MinutesOver} | {r.SteadyReplicaMinutes:0} | {r.SteadyConnections:0} | {r.FinalMaxConnections} | {r.Changes.Count} | {r.Reversals} | {r.Violations} | {r.WallMs:0} |");

    private static void Targets(IReadOnlyList<ScenarioOutcome> outcomes, Action<FormattableString> line)
    {
        line($"## Targets");
        line($"");
        line($"| target | result | detail |");
        line($"| --- | --- | --- |");
        foreach (var target in BenchTargets.Judge(outcomes))
        {
            line($"| {target.Name} | {(target.Met ? "**met**" : "**not met**")} | {target.Detail} |");
        }

        var unscored = outcomes.Where(o => !o.Scenario.Scored).ToList();
        if (unscored.Count > 0)
        {
            line($"");
            line($"Reported below but not scored: {string.Join("; ", unscored.Select(o => $"{o.Scenario.Name} ({o.Scenario.NotScoredBecause})"))}.");
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown" where there is none.</summary>
    private static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 ? $"{fields[0]} {fields[1]} {fields[2]}" : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
