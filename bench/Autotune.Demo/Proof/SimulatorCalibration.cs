using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Spec.Yaml;
using Autotune.Engine.Resource.Validation;

namespace Autotune.Demo.Proof;

/// <summary>A profile in the simulator as the calibration uses it.</summary>
/// <param name="Rates">The ramp's rates.</param>
/// <param name="Knee">The knee predicted at static settings and parameters (<see cref="ProofSimulation.HighestHeld"/>).</param>
/// <param name="Badness">How far a rate is from being held there (<see cref="ProofSimulation.Badness"/>; held when at most 1).</param>
public sealed record ProfileSimulator(IReadOnlyList<double> Rates, Func<StaticSettings, ModelParameters, double> Knee, Func<StaticSettings, ModelParameters, double, double> Badness);

/// <summary>Which measured knee the calibration fits.</summary>
public enum KneeJudged
{
    /// <summary>P99 and errors judged, the generator's send lag not (heldIgnoringLag): the API's and the database's knee.</summary>
    IgnoringLag,

    /// <summary>P99, errors and the generator's send lag judged (highestHeld): the knee the report's targets use.</summary>
    WithLag,
}

/// <summary>A grid setting and the knee measured (or predicted) there, req/s.</summary>
/// <param name="Settings">The static settings.</param>
/// <param name="Knee">The highest rate held.</param>
public sealed record KneePoint(StaticSettings Settings, double Knee);

/// <summary>One row of the calibration table.</summary>
/// <param name="Settings">The grid setting.</param>
/// <param name="Measured">The knee the real stack held there (median of every ramp of the workload at the setting).</param>
/// <param name="Predicted">The knee the fitted simulator predicts.</param>
/// <param name="HeldOut">True when the point was not used to fit.</param>
/// <param name="Error">|predicted - measured| / max(measured, the ramp's first rate).</param>
public sealed record CalibrationRow(StaticSettings Settings, double Measured, double Predicted, bool HeldOut, double Error);

/// <summary>One workload's calibration: the fitted parameters and every grid setting's measured and predicted knee.</summary>
/// <param name="Workload">The workload (profiles of one workload share the grid).</param>
/// <param name="Profiles">The profiles of the workload found in the knees file.</param>
/// <param name="Parameters">The fitted parameters.</param>
/// <param name="Rows">One row per grid setting, in cost order.</param>
/// <param name="Predictions">Simulated rates the fit ran (each a few simulated minutes).</param>
/// <param name="Seconds">Wall-clock seconds it took.</param>
public sealed record WorkloadCalibration(string Workload, IReadOnlyList<string> Profiles, ModelParameters Parameters, IReadOnlyList<CalibrationRow> Rows, int Predictions, double Seconds)
{
    /// <summary>Mean absolute error share on the points the fit used.</summary>
    public double TrainError => Mean(Rows.Where(r => !r.HeldOut));

    /// <summary>Mean absolute error share on the held-out points.</summary>
    public double HeldOutError => Mean(Rows.Where(r => r.HeldOut));

    /// <summary>True when the held-out error is within <see cref="SimulatorCalibration.TargetError"/>.</summary>
    public bool Meets => HeldOutError <= SimulatorCalibration.TargetError;

    private static double Mean(IEnumerable<CalibrationRow> rows) => rows.Select(r => r.Error).DefaultIfEmpty(double.NaN).Average();
}

/// <summary>
/// Fits the simulator's unknown workload parameters (<see cref="ModelParameters"/>: API CPU per request, database
/// CPU per query, connection hold overhead per query) to the knees the real stack measured at a workload's grid
/// settings, on half of the settings, and predicts the other half. The predicted knee is <see cref="ProofSimulation.HighestHeld"/>: the profile's own
/// geometric ramp in the simulator at the static settings.
/// </summary>
public static class SimulatorCalibration
{
    /// <summary>Target: the held-out mean absolute error at most this share, per profile.</summary>
    public const double TargetError = 0.25;

    /// <summary>Simulated minutes per ramp rate in the calibration (the last one judged; the scenario starts at the settings).</summary>
    public const double MinutesPerRate = 2;

    /// <summary>The first search grid of API CPU per request, ms: 0.04 to 5.12 in factors of the square root of 2.</summary>
    public static IReadOnlyList<double> CpuMsGrid { get; } = Geometric(0.04, Math.Sqrt(2), 15);

    /// <summary>The first search grid of database CPU per query, ms: 0.02 to 0.64 in factors of the square root of 2.</summary>
    public static IReadOnlyList<double> QueryCpuMsGrid { get; } = Geometric(0.02, Math.Sqrt(2), 11);

    /// <summary>The first search grid of the connection hold overhead per query, ms.</summary>
    public static IReadOnlyList<double> HoldOverheadMsGrid { get; } = [0, 0.15, 0.3, 0.6, 1.2, 2.4];

    /// <summary>
    /// The deterministic split, a checkerboard over the grid: each dimension's values (replicas, minimum threads with
    /// the runtime default lowest, pool, max_connections) are numbered in ascending order, and a setting is held out
    /// when the sum of its numbers is odd. Both halves then see every value of every dimension (a one-dimensional grid
    /// alternates), so the held-out half tests combinations, not a dimension the fit never saw.
    /// </summary>
    public static (IReadOnlyList<KneePoint> Train, IReadOnlyList<KneePoint> HeldOut) Split(IEnumerable<KneePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var ordered = points
            .OrderBy(p => p.Settings, Comparer<StaticSettings>.Create(StaticSettings.CompareCost))
            .ThenBy(p => p.Settings.ToString(), StringComparer.Ordinal)
            .ToList();
        static Func<StaticSettings, int> Index(IEnumerable<StaticSettings> all, Func<StaticSettings, int> value)
        {
            var values = all.Select(value).Distinct().Order().ToList();
            return s => values.IndexOf(value(s));
        }

        var settings = ordered.Select(p => p.Settings).ToList();
        var indices = new[]
        {
            Index(settings, s => s.Replicas),
            Index(settings, s => s.MinThreads ?? 0),
            Index(settings, s => s.Pool),
            Index(settings, s => s.MaxConnections),
        };
        bool Held(KneePoint p) => indices.Sum(i => i(p.Settings)) % 2 == 1;
        return (ordered.Where(p => !Held(p)).ToList(), ordered.Where(Held).ToList());
    }

    /// <summary>|predicted - measured| / max(measured, <paramref name="floor"/>): a knee below the ramp's first rate counts as that rate.</summary>
    public static double ErrorShare(double predicted, double measured, double floor) =>
        Math.Abs(predicted - measured) / Math.Max(Math.Max(measured, floor), 1e-9);

    /// <summary>The fitted parameters, their loss on the fitted points, and the distinct simulations run.</summary>
    /// <param name="Parameters">The parameters.</param>
    /// <param name="Loss">The mean loss on the fitted points (0: every fitted knee reproduced).</param>
    /// <param name="Evaluations">Distinct (settings, parameters, rate) simulations run.</param>
    public sealed record Fit(ModelParameters Parameters, double Loss, int Evaluations);

    /// <summary>
    /// Fits the parameters to <paramref name="train"/>. A predicted knee is a rate of a geometric ramp, so an error of
    /// knees is a step function of the parameters, flat over wide regions where no search finds a direction. The loss
    /// is therefore taken where the knee is decided: at each point's measured knee the simulated rate must be held
    /// and at the ramp's next rate it must miss; the loss is how far the simulator's badness
    /// (<see cref="ProofSimulation.Badness"/>, held when at most 1) is on the wrong side of 1, in logarithms (0 when
    /// the simulator reproduces every fitted knee). The search is hand-written (no optimiser package is served; a
    /// simplex such as MathNet.Numerics' Nelder-Mead would need another dependency for three parameters): a
    /// logarithmic grid over the parameters (factors of the square root of 2), then a compass (pattern) search (all 26
    /// neighbours) from each of the three best grid points with steps of 2^(1/4), 2^(1/8) and 2^(1/16). Simulations
    /// run two at a time and are cached per (settings, parameters, rate).
    /// </summary>
    public static Fit FitParameters(IReadOnlyList<KneePoint> train, ProfileSimulator simulator)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(simulator);
        if (train.Count == 0)
        {
            throw new ArgumentException("at least one point is needed to fit", nameof(train));
        }

        var cache = new ConcurrentDictionary<(StaticSettings, ModelParameters, double), double>();
        double Bad(StaticSettings settings, ModelParameters p, double rate) =>
            cache.GetOrAdd((settings, p, rate), k => simulator.Badness(k.Item1, k.Item2, k.Item3));
        double PointLoss(KneePoint t, ModelParameters p)
        {
            const double Cap = 10;
            var loss = 0.0;
            var held = simulator.Rates.LastOrDefault(r => r <= t.Knee + 0.5);
            if (held > 0)
            {
                loss += Math.Min(Cap, Math.Max(0, Math.Log(Bad(t.Settings, p, held))));
            }

            var missed = simulator.Rates.FirstOrDefault(r => r > t.Knee + 0.5);
            if (missed > 0)
            {
                loss += Math.Min(Cap, Math.Max(0, -Math.Log(Bad(t.Settings, p, missed))));
            }

            return loss;
        }

        double Score(ModelParameters p) => Math.Round(train.Average(t => PointLoss(t, p)), 9);

        List<(ModelParameters P, double S)> Ranked(IEnumerable<ModelParameters> candidates) => [.. candidates
            .AsParallel().AsOrdered().WithDegreeOfParallelism(Math.Max(1, Math.Min(2, Environment.ProcessorCount)))
            .Select(p => (P: p, S: Score(p)))
            .ToList()
            .OrderBy(c => c.S).ThenBy(c => Distance(c.P, ModelParameters.Assumed))];

        (ModelParameters P, double S) Refine((ModelParameters P, double S) start)
        {
            var best = start;
            foreach (var step in new[] { Math.Pow(2, 0.25), Math.Pow(2, 0.125), Math.Pow(2, 0.0625) })
            {
                for (var moves = 0; moves < 8 && best.S > 0; moves++)
                {
                    var around = Ranked(Neighbours(best.P, step))[0];
                    if (!(around.S < best.S))
                    {
                        break;
                    }

                    best = around;
                }
            }

            return best;
        }

        var grid = Ranked(
            from c in CpuMsGrid
            from q in QueryCpuMsGrid
            from h in HoldOverheadMsGrid
            select new ModelParameters(c, q, h));
        var best = grid[0].S == 0 ? grid[0] : grid.Take(3).Select(Refine).OrderBy(c => c.S).ThenBy(c => Distance(c.P, ModelParameters.Assumed)).First();
        return new Fit(best.P, best.S, cache.Count);
    }

    /// <summary>Fits one workload on half its grid and predicts every setting's knee with the fitted parameters.</summary>
    public static WorkloadCalibration Calibrate(string workload, IReadOnlyList<string> profiles, IReadOnlyList<KneePoint> measured, double floor, ProfileSimulator simulator)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(simulator);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (train, heldOut) = Split(measured);
        var fit = FitParameters(train, simulator);
        var held = heldOut.ToHashSet();
        var rows = train.Concat(heldOut)
            .OrderBy(p => p.Settings, Comparer<StaticSettings>.Create(StaticSettings.CompareCost))
            .AsParallel().AsOrdered().WithDegreeOfParallelism(Math.Max(1, Math.Min(2, Environment.ProcessorCount)))
            .Select(p =>
            {
                var predicted = simulator.Knee(p.Settings, fit.Parameters);
                return new CalibrationRow(p.Settings, p.Knee, predicted, held.Contains(p), ErrorShare(predicted, p.Knee, floor));
            })
            .ToList();
        return new WorkloadCalibration(workload, profiles, fit.Parameters, rows, fit.Evaluations, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Each workload's grid settings in <paramref name="knees"/> with the knee measured there: the median of every ramp
    /// of the workload's profiles at the setting (the screening ramp, and the repeats of (a), (b), (c) and the
    /// baselines that ran at it), judged as <paramref name="judged"/> says; in the proof's profile order, only
    /// <paramref name="only"/> when given. Throws <see cref="CalibrationInputException"/> for an unknown profile, a
    /// profile without grid runs, or a workload with fewer than two grid settings.
    /// </summary>
    public static IReadOnlyList<(ProofProfile Profile, IReadOnlyList<string> Profiles, IReadOnlyList<KneePoint> Points)> Workloads(IReadOnlyList<MeasuredKnee> knees, string source, IReadOnlyCollection<string>? only = null, KneeJudged judged = KneeJudged.IgnoringLag)
    {
        ArgumentNullException.ThrowIfNull(knees);
        var known = ProofProfiles.All.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var names = knees.Select(k => k.Profile).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in names.Where(n => !known.ContainsKey(n)))
        {
            throw new CalibrationInputException($"{source}: profile '{name}' is not a proof profile (known: {string.Join(", ", known.Keys)})");
        }

        if (only is { Count: > 0 })
        {
            foreach (var name in only.Where(n => !names.Contains(n)))
            {
                throw new CalibrationInputException($"{source}: no knees for profile '{name}' (the file has: {string.Join(", ", names)})");
            }

            names = [.. names.Where(only.Contains)];
        }

        if (names.Count == 0)
        {
            throw new CalibrationInputException($"{source}: no knees in the file");
        }

        foreach (var name in names.Where(n => !knees.Any(k => k.Profile == n && k.Phase == KneesFile.GridPhase)))
        {
            throw new CalibrationInputException($"{source}: profile '{name}' has no grid runs (phase \"{KneesFile.GridPhase}\"): nothing to fit the simulator to");
        }

        var result = new List<(ProofProfile, IReadOnlyList<string>, IReadOnlyList<KneePoint>)>();
        foreach (var group in ProofProfiles.All.Where(p => names.Contains(p.Name)).GroupBy(p => p.Workload))
        {
            var members = group.Select(p => p.Name).ToList();
            var mine = knees.Where(k => members.Contains(k.Profile)).ToList();
            var points = mine
                .Where(k => k.Phase == KneesFile.GridPhase)
                .Select(k => k.Settings)
                .Distinct()
                .Select(settings => new KneePoint(settings, ProofScore.Median(mine.Where(k => k.Settings == settings)
                    .Select(k => judged == KneeJudged.WithLag ? k.HighestHeld : k.HeldIgnoringLag).ToList())))
                .ToList();
            if (points.Count < 2)
            {
                throw new CalibrationInputException(string.Create(CultureInfo.InvariantCulture, $"{source}: profile '{members[0]}' has {points.Count} grid setting(s); the calibration needs at least 2 (one to fit, one held out)"));
            }

            result.Add((group.First(), members, points));
        }

        return result;
    }

    /// <summary>The profile in the simulator, at its ApiTuning, <paramref name="minutesPerRate"/> simulated minutes per rate.</summary>
    public static ProfileSimulator Predictor(ProofProfile profile, double minutesPerRate = MinutesPerRate)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var path = Path.Combine(AppContext.BaseDirectory, profile.SpecFile);
        var spec = SpecValidator.Validate(ApiTuningYaml.Load(File.ReadAllText(path)).Documents[0].Spec).Spec
            ?? throw new InvalidOperationException($"{path} is not a valid ApiTuning");
        ApiTuningSpec proofSpec = spec.Spec;
        return new ProfileSimulator(
            ProofSimulation.RampRates(profile),
            (settings, parameters) => ProofSimulation.HighestHeld(profile, proofSpec, settings, parameters, minutesPerRate),
            (settings, parameters, rate) => ProofSimulation.Badness(profile, proofSpec, settings, rate, parameters, minutesPerRate));
    }

    /// <summary>The report's section "Simulator calibration: predicted against measured knee".</summary>
    public static string Markdown(IReadOnlyList<WorkloadCalibration> calibrations, string command, string kneesFile, double minutesPerRate, double seconds, KneeJudged judged = KneeJudged.IgnoringLag)
    {
        ArgumentNullException.ThrowIfNull(calibrations);
        var md = new StringBuilder();
        md.AppendLine("## Simulator calibration: predicted against measured knee").AppendLine();
        md.AppendLine(Invariant($"The simulator (`operator/Autotune.Simulation`, through `ProofSimulation.HighestHeld`) is fitted per workload to the knees this run measured at its grid settings (`{kneesFile}`): at each grid setting, the median of every ramp of the workload's profiles that ran there (the screening ramp and any repeats of (a), (b), (c) or a baseline at the same setting), {(judged == KneeJudged.WithLag ? "judged on P99, errors and the generator's send lag (highestHeld)" : "judged on P99 and errors only (heldIgnoringLag): the simulator models the API and the database, not the load generator, whose send lag on this shared machine fails steps at random")}. What is fitted: the workload parameters the profiles do not give, API CPU per request, database CPU per query and the time a query holds its connection beyond the database's CPU and the simulated round trip (assumed 1 ms, 0.3 ms and 0 before calibration); the round trip, data path, idle gaps, thread timeout, cores, replicas, pool, minimum threads and max_connections come from the profile and the setting. Split: a checkerboard over the workload's grid (each dimension's values numbered in ascending order; a setting is held out when the sum of its numbers is odd), so both halves see every value of every dimension. Fit: on the train half, the simulated rate at each measured knee must hold and the ramp's next rate must miss; the loss is how far the simulator's P99 / 200 ms (or error share / 0.1%) lies on the wrong side of 1, in logarithms (a smooth function of the parameters, where the knee itself is a step function), searched on a logarithmic grid (API CPU {CpuMsGrid[0]:0.##}-{CpuMsGrid[^1]:0.##} ms and query CPU {QueryCpuMsGrid[0]:0.##}-{QueryCpuMsGrid[^1]:0.##} ms in factors of the square root of 2, hold overhead {string.Join(", ", HoldOverheadMsGrid)} ms) refined by a compass search (`SimulatorCalibration.FitParameters`). Predicted knee: the profile's own ramp (from its start rate, 15% a step) in the simulator at the static setting, each rate run for {minutesPerRate:0} simulated minute(s) and the last judged (P99 <= 200 ms, errors <= 0.1%), stopping at the first miss. Error: |predicted - measured| / max(measured, the ramp's first rate). Target: held-out mean absolute error <= {TargetError:0%} per profile."));
        md.AppendLine().AppendLine(Invariant($"Command: `{command}` ({seconds:0} s on this machine)."));
        md.AppendLine().AppendLine("| profile | workload | fitted parameters | train error | held-out error | held-out <= 25% |").AppendLine("|---|---|---|---:|---:|---|");
        foreach (var c in calibrations)
        {
            foreach (var profile in c.Profiles)
            {
                md.AppendLine(Invariant($"| {profile} | {c.Workload} | {c.Parameters} | {Percent(c.TrainError)} | {Percent(c.HeldOutError)} | {(c.Meets ? "yes" : "**no**")} |"));
            }
        }

        foreach (var c in calibrations)
        {
            md.AppendLine().AppendLine(Invariant($"### {c.Workload} ({string.Join(", ", c.Profiles)}): {c.Parameters}; {c.Predictions} simulated rates in the fit, {c.Seconds:0} s")).AppendLine();
            md.AppendLine("| setting | measured knee | predicted knee | error | split |").AppendLine("|---|---:|---:|---:|---|");
            foreach (var r in c.Rows)
            {
                md.AppendLine(Invariant($"| {r.Settings} | {r.Measured:0} | {r.Predicted:0} | {Percent(r.Error)} | {(r.HeldOut ? "held out" : "train")} |"));
            }
        }

        return md.ToString();
    }

    /// <summary>
    /// <paramref name="report"/> with the calibration section put between the markers the proof writes; a report
    /// written before the markers existed has the section under its heading replaced (up to the next "## "); one
    /// without either gets it appended.
    /// </summary>
    public static string Splice(string report, string section)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(section);
        var block = ProofSimulation.CalibrationBegin + "\n" + section.TrimEnd('\n', '\r') + "\n" + ProofSimulation.CalibrationEnd;
        var begin = report.IndexOf(ProofSimulation.CalibrationBegin, StringComparison.Ordinal);
        var end = begin < 0 ? -1 : report.IndexOf(ProofSimulation.CalibrationEnd, begin, StringComparison.Ordinal);
        if (begin >= 0 && end > begin)
        {
            return report[..begin] + block + report[(end + ProofSimulation.CalibrationEnd.Length)..];
        }

        const string Heading = "## Simulator calibration: predicted against measured knee";
        var heading = report.IndexOf(Heading, StringComparison.Ordinal);
        if (heading >= 0)
        {
            var next = report.IndexOf("\n## ", heading + Heading.Length, StringComparison.Ordinal);
            return report[..heading] + block + (next < 0 ? "\n" : "\n\n" + report[(next + 1)..]);
        }

        return report.TrimEnd('\n', '\r') + "\n\n" + block + "\n";
    }

    // The overhead steps on (overhead + 0.05 ms), so that a fit at 0 can still move.
    private static IEnumerable<ModelParameters> Neighbours(ModelParameters p, double step) =>
        from dc in new[] { -1, 0, 1 }
        from dq in new[] { -1, 0, 1 }
        from dh in new[] { -1, 0, 1 }
        where dc != 0 || dq != 0 || dh != 0
        select new ModelParameters(p.CpuMs * Math.Pow(step, dc), p.QueryCpuMs * Math.Pow(step, dq), Math.Max(0, ((p.HoldOverheadMs + 0.05) * Math.Pow(step, dh)) - 0.05));

    private static double Distance(ModelParameters a, ModelParameters b) =>
        Math.Abs(Math.Log(a.CpuMs / b.CpuMs)) + Math.Abs(Math.Log(a.QueryCpuMs / b.QueryCpuMs)) + Math.Abs(Math.Log((a.HoldOverheadMs + 0.05) / (b.HoldOverheadMs + 0.05)));

    private static List<double> Geometric(double start, double factor, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Math.Round(start * Math.Pow(factor, i), 6))];

    private static string Percent(double share) => double.IsNaN(share) ? "-" : share.ToString("0%", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
