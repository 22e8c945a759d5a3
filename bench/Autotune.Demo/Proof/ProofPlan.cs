using System.Globalization;
using System.Text;

namespace Autotune.Demo.Proof;

/// <summary>
/// How long a run will take, from the step counts: each ramp climbs from its workload's start rate to about the
/// profile's expected knee in steps of <see cref="ProofOptions.Growth"/> and runs one more that misses; each tuning
/// run climbs from half the grid's best knee to it one window a step and then needs its stable windows.
/// </summary>
public static class ProofPlan
{
    /// <summary>
    /// Setting max_connections, starting the API processes (without tiered compilation: every method is compiled
    /// optimised at start-up), connecting the generator and stopping them, per ramp. The smoke run of 18:33 UTC measured
    /// 14 s a ramp at a load average of 25-38; a quiet machine needs about half that (the report gives the measured value).
    /// </summary>
    public static readonly TimeSpan RampOverhead = TimeSpan.FromSeconds(8);

    /// <summary>Starting PostgreSQL and Redis and seeding 100,000 users, per workload.</summary>
    public static readonly TimeSpan StackOverhead = TimeSpan.FromSeconds(15);

    /// <summary>The generator check at the start (two ramps and 3 s of wrk).</summary>
    public static readonly TimeSpan GeneratorCheck = TimeSpan.FromSeconds(90);

    /// <summary>One workload's share of the estimate.</summary>
    /// <param name="Workload">The workload.</param>
    /// <param name="Ramps">Ramps at static settings (grid, (a), (b), (c), baselines).</param>
    /// <param name="StepsPerRamp">Steps each ramp runs, to the expected knee and one past it.</param>
    /// <param name="PerRamp">Time per ramp.</param>
    /// <param name="Tunings">Tuning runs (one per start).</param>
    /// <param name="PerTuning">Time per tuning run.</param>
    public sealed record Line(string Workload, int Ramps, int StepsPerRamp, TimeSpan PerRamp, int Tunings, TimeSpan PerTuning)
    {
        /// <summary>The workload's total.</summary>
        public TimeSpan Total => StackOverhead + (PerRamp * Ramps) + (PerTuning * Tunings);
    }

    /// <summary>The estimate, one line per workload.</summary>
    public static IReadOnlyList<Line> Estimate(IReadOnlyList<ProofProfile> profiles, ProofOptions options, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(options);
        var lines = new List<Line>();
        foreach (var workload in profiles.GroupBy(p => p.Workload))
        {
            var first = workload.First();
            var starts = workload.Count();
            var grid = options.GridPoints(first).Count;
            var ramps = grid + (options.Repeats * ((2 * starts) + 1)) + (options.BaselineRepeats * 2);
            var start = options.StartRate(first);
            var steps = KneeRamp.StepsTo(start, first.ExpectedKnee, options.Growth);
            var perRamp = RampOverhead + options.Warmup + ((options.Step + first.Scenario.IdleGap) * steps);
            var climb = KneeRamp.StepsTo(Math.Max(start, first.ExpectedKnee / 2), first.ExpectedKnee, options.Growth);
            var perTuning = TimeSpan.FromSeconds(10) + (window * Math.Min(climb + options.StableWindows + 2, Math.Ceiling(options.TuningCap / window)));
            lines.Add(new Line(workload.Key, ramps, steps, perRamp, starts, perTuning));
        }

        return lines;
    }

    /// <summary>The estimate in a few lines of text.</summary>
    public static string Describe(IReadOnlyList<Line> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var total = GeneratorCheck + lines.Aggregate(TimeSpan.Zero, (sum, l) => sum + l.Total);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"estimated {total.TotalMinutes:0} min: generator check {GeneratorCheck.TotalMinutes:0} min");
        foreach (var l in lines)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {l.Workload} {l.Total.TotalMinutes:0.0} min ({l.Ramps} ramps x ~{l.StepsPerRamp} steps = {l.PerRamp.TotalSeconds:0} s each, {l.Tunings} tuning run(s) x {l.PerTuning.TotalSeconds:0} s)");
        }

        return text.ToString();
    }
}
