using System.Globalization;
using System.Text;
using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Control;
using Autotune.Simulation.Model;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Demo.Proof;

/// <summary>
/// The simulator's prediction for the proof's profiles (operator/Autotune.Simulation, used as a library, unchanged):
/// each profile becomes a simulator scenario with the same pool, threads, max_connections, round trip and data path;
/// the highest rate held at static settings is predicted by running each ramp rate for three simulated minutes and
/// judging the last; (b) runs the engine on a ramp to the top rate and freezes what it reached.
/// </summary>
public static class ProofSimulation
{
    /// <summary>Simulated minutes each ramp rate runs for in <see cref="HighestHeld"/> unless told otherwise.</summary>
    public const double MinutesPerRate = 3;

    /// <summary>Seconds of load per ramp step on the real stack (the proof's default step), used to place idle gaps.</summary>
    public const double DefaultStepSeconds = 2;

    /// <summary>One profile's prediction.</summary>
    /// <param name="Starting">Highest rate held at the starting settings.</param>
    /// <param name="Reached">The settings the engine reached in the simulator.</param>
    /// <param name="ReachedHeld">Highest rate held at them.</param>
    /// <param name="LastChangeSeconds">Simulated seconds until the engine's last change (null: none).</param>
    /// <param name="Changes">Changes the engine made.</param>
    /// <param name="Best">The grid's best static settings in the simulator.</param>
    /// <param name="BestHeld">Highest rate held at them.</param>
    public sealed record Prediction(double Starting, StaticSettings Reached, double ReachedHeld, double? LastChangeSeconds, int Changes, StaticSettings Best, double BestHeld);

    /// <summary>
    /// The simulator's scenario for a profile: the proof's own ApiTuning (<paramref name="proofSpec"/>, the file local
    /// mode runs with: objectives, window and scrapes, budgets, cooldown) on a model of the profile's API, starting at
    /// the profile's settings (or at <paramref name="settings"/>), with the workload <paramref name="parameters"/>
    /// (<see cref="ModelParameters.Assumed"/> unless fitted). A profile with idle gaps gets them in its rate (a gap, then
    /// a step of <paramref name="stepSeconds"/>, as the real ramp offers them) and the thread timeout its API runs with.
    /// </summary>
    public static Scenario ScenarioFor(ProofProfile profile, ApiTuningSpec proofSpec, RateProfile rate, double durationSeconds, int? replicas = null,
        StaticSettings? settings = null, ModelParameters? parameters = null, double stepSeconds = DefaultStepSeconds)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(proofSpec);
        ArgumentNullException.ThrowIfNull(rate);
        var at = settings ?? profile.Starting;
        var model = parameters ?? ModelParameters.Assumed;
        var gap = profile.Scenario.IdleGap.TotalSeconds;
        var api = new ApiOptions
        {
            Name = "sample-api",
            Rate = gap > 0 ? rate.WithIdleGaps(gap + stepSeconds, gap) : rate,
            Workload = new WorkloadProfile
            {
                CpuMs = model.CpuMs,
                QueriesPerRequest = 1,
                QueryCpuMs = model.QueryCpuMs,
                NetworkRttMs = profile.Scenario.RoundTripMilliseconds + model.HoldOverheadMs,
                BlockingShare = profile.Scenario.BlockingDataPath ? 1.0 : 0.0,
            },
            Pod = new PodOptions { Cores = 2, ThreadIdleRetireSeconds = ThreadTimeoutSeconds(profile), ThreadInjectionPerThreadSecond = PodOptions.FittedInjectionPerThreadSecond },
            Replicas = replicas ?? at.Replicas,
            MinThreads = at.MinThreads ?? 2,
            PoolSize = at.Pool,
        };
        return new Scenario
        {
            Name = "proof-" + profile.Name,
            Description = profile.Description,
            Database = new DatabaseOptions { Cores = 2, MaxConnections = at.MaxConnections },
            Apis = [api],
            Specs = [proofSpec with { TargetRef = proofSpec.TargetRef with { Name = api.Name } }],
            DurationSeconds = durationSeconds,
        };
    }

    /// <summary>Seconds an idle worker thread lives in the profile's API: its DOTNET_ThreadPool_ThreadTimeoutMs, or the runtime's 20 s.</summary>
    public static double ThreadTimeoutSeconds(ProofProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.Scenario.Environment.TryGetValue("DOTNET_ThreadPool_ThreadTimeoutMs", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value / 1000
            : new PodOptions().ThreadIdleRetireSeconds;
    }

    /// <summary>Predicts (a), (b) and (c) for a profile over the given grid, the engine running <paramref name="proofSpec"/>.</summary>
    public static Prediction Predict(ProofProfile profile, ApiTuningSpec proofSpec, IReadOnlyList<StaticSettings> grid)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(proofSpec);
        var starting = HighestHeld(profile, proofSpec, profile.Starting);

        // The engine on a ramp from half the expected knee to it (a minute per 15% step, then the top rate), deciding
        // once per window of the spec and scraping as often as it asks, as local mode ran on the real one.
        var top = profile.ExpectedKnee;
        var rates = KneeRamp.Rates(Math.Max(profile.StartRate, top / 2), ceiling: top);
        var rampSeconds = 60.0 * rates.Count;
        var scenario = ScenarioFor(profile, proofSpec, RateProfile.Ramp(rates[0], top, rampSeconds), rampSeconds + 300);
        var engine = new EngineController(periodSeconds: ScenarioSpecs.WindowSeconds(scenario.Specs[0]));
        var run = ScenarioRunner.Run(scenario, engine);
        var last = run.Minutes[0][^1];
        var reached = new StaticSettings(last.MinThreads, last.PoolSize, last.MaxConnections, last.Replicas);
        double? lastChange = run.Changes.Count == 0 ? null : run.Changes[^1].Time;

        var screened = grid.Select(s => (s, HighestHeld(profile, proofSpec, s))).ToList();
        var best = ProofScore.Winner(screened, 0.02);
        return new Prediction(starting, reached, HighestHeld(profile, proofSpec, reached), lastChange, run.Changes.Count, best, screened.First(s => s.s == best).Item2);
    }

    /// <summary>
    /// The knee the simulator predicts at static settings: the same geometric ramp from the profile's start rate, each
    /// rate run for <paramref name="minutesPerRate"/> simulated minutes (three unless told) and judged on the last (P99
    /// at or under 200 ms, errors at most 0.1%), stopping at the first miss. The scenario starts at the settings, so no
    /// change (and no restart for max_connections) happens during the run.
    /// </summary>
    public static double HighestHeld(ProofProfile profile, ApiTuningSpec proofSpec, StaticSettings settings, ModelParameters? parameters = null, double minutesPerRate = MinutesPerRate)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(minutesPerRate, 1);
        var held = 0.0;
        foreach (var rate in RampRates(profile))
        {
            if (!(Badness(profile, proofSpec, settings, rate, parameters, minutesPerRate) <= 1))
            {
                break;
            }

            held = rate;
        }

        return held;
    }

    /// <summary>The rates of the simulated ramp: from the profile's start rate, 15% a step, up to four times its expected knee.</summary>
    public static IReadOnlyList<double> RampRates(ProofProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return KneeRamp.Rates(profile.StartRate, ceiling: profile.ExpectedKnee * 4);
    }

    /// <summary>
    /// How far <paramref name="rate"/> is from being held at static settings in the simulator: the larger of P99 / 200 ms
    /// and the error share / 0.1% in the last of <paramref name="minutesPerRate"/> simulated minutes (infinite when
    /// nothing was judged). The rate is held when it is at most 1; unlike the knee it moves smoothly with the model's
    /// parameters, which is what a fit needs.
    /// </summary>
    public static double Badness(ProofProfile profile, ApiTuningSpec proofSpec, StaticSettings settings, double rate, ModelParameters? parameters = null, double minutesPerRate = MinutesPerRate)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(settings);
        var controller = new StaticController("proof", [
            (Knob.ThreadPoolMinThreads, settings.MinThreads ?? 2),
            (Knob.DbMaxPoolSize, settings.Pool),
            (Knob.PostgresMaxConnections, settings.MaxConnections)]);
        var scenario = ScenarioFor(profile, proofSpec, RateProfile.Constant(rate), Math.Round(minutesPerRate) * 60, settings: settings, parameters: parameters);
        var minute = ScenarioRunner.Run(scenario, controller).Minutes[0][^1];
        return double.IsNaN(minute.P99Ms) || double.IsNaN(minute.ErrorRate)
            ? double.PositiveInfinity
            : Math.Max(minute.P99Ms / 200, minute.ErrorRate / ProofScore.MaxErrorShare);
    }

    /// <summary>The report's section: the predictions beside the measured medians, and where they disagree.</summary>
    public static string Markdown(IReadOnlyList<(ProfileResult Measured, Prediction Predicted)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var md = new StringBuilder();
        md.AppendLine("## The simulator's prediction beside the measurements").AppendLine();
        md.AppendLine("`operator/Autotune.Simulation` used as a library, unchanged (`ProofSimulation` in bench/Autotune.Demo/Proof): each profile becomes a simulator scenario running the proof's own ApiTuning (its objectives, window, scrapes per window, budgets and cooldown) with the same replicas, starting pool, threads and max_connections, the round trip as the network round trip of one query per request, the blocking share 1 or 0, 2 API cores and 2 database cores, API CPU 1 ms and query CPU 0.3 ms per request (assumed; the calibration section below fits them to this run's grid screening). Static settings: each ramp rate runs for three simulated minutes and the last is judged (P99 <= 200 ms, errors <= 0.1%); the simulator's steady state is therefore kinder than a ramp step of a few seconds. (b): the engine runs on a simulated ramp to the top rate (a minute per step, then 5 minutes at the top; the engine decides once per window and the pods are scraped as often as the spec asks), and what it reached is frozen and judged the same way. (c): the same grid, the same winner rule.").AppendLine();
        md.AppendLine("| profile | (a) sim / measured | (b) sim reached | (b) sim / measured | (c) sim best | (c) sim / measured | (b)/(c) sim / measured | sim changes, last at |");
        md.AppendLine("|---|---:|---|---:|---|---:|---:|---|");
        foreach (var (m, p) in rows)
        {
            var ratio = p.BestHeld > 0 ? p.ReachedHeld / p.BestHeld : double.NaN;
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {m.Profile.Name} | {p.Starting:0} / {Rate(m.Median("a"))} | {p.Reached} | {p.ReachedHeld:0} / {Rate(m.Median("b"))} | {p.Best} | {p.BestHeld:0} / {Rate(m.Median("c"))} | {Rate2(ratio)} / {Rate2(m.Ratio)} | {p.Changes}, {(p.LastChangeSeconds is { } s ? $"{s:0} s" : "none")} |"));
        }

        md.AppendLine().AppendLine("Where they disagree (knees more than 15% apart, or different settings):").AppendLine();
        foreach (var (m, p) in rows)
        {
            foreach (var line in Disagreements(m, p))
            {
                md.AppendLine($"- {m.Profile.Name}: {line}");
            }
        }

        return md.ToString();
    }

    private static IEnumerable<string> Disagreements(ProfileResult m, Prediction p)
    {
        var any = false;
        foreach (var (name, sim, real) in new[] { ("(a)", p.Starting, m.Median("a")), ("(b)", p.ReachedHeld, m.Median("b")), ("(c)", p.BestHeld, m.Median("c")) })
        {
            if (!double.IsNaN(real) && Math.Abs(sim - real) > 0.15 * Math.Max(sim, real))
            {
                any = true;
                yield return string.Create(CultureInfo.InvariantCulture, $"{name} the simulator predicts {sim:0} req/s held, the real stack held {real:0} req/s ({(sim > real ? "the simulator is optimistic" : "the simulator is pessimistic")}).");
            }
        }

        if (m.Tuning is { } t && t.Reached != p.Reached)
        {
            any = true;
            yield return $"the engine reached {p.Reached} in the simulator but {t.Reached} on the real stack.";
        }

        if (m.Best is { } best && best != p.Best)
        {
            any = true;
            yield return $"the best static setting is {p.Best} in the simulator but {best} on the real stack.";
        }

        if (!any)
        {
            yield return "agrees within 15% and on the settings.";
        }
    }

    /// <summary>The line before the calibration section in tuning.md; <c>calibrate --out</c> replaces what lies between the markers.</summary>
    public const string CalibrationBegin = "<!-- calibration:begin -->";

    /// <summary>The line after the calibration section in tuning.md.</summary>
    public const string CalibrationEnd = "<!-- calibration:end -->";

    /// <summary>
    /// What the proof writes where the calibration goes: the section's heading and the command that fits the simulator
    /// to this run's knees (the JSON beside the report) and splices its table in between the markers. The fit runs
    /// hundreds of simulated ramps, so it is a separate step rather than part of the proof's hour.
    /// </summary>
    public static string CalibrationPointer(string kneesFile, string reportFile) =>
        $"""
        {CalibrationBegin}
        ## Simulator calibration: predicted against measured knee

        Not computed in this run. The simulator is fitted to this run's own grid screening (every ramp's knee is in `{kneesFile}`) and its table of predicted against measured knees is spliced in here by:

        `dotnet run -c Release --project bench/Autotune.Demo -- calibrate --knees {kneesFile} --out {reportFile}`
        {CalibrationEnd}
        """;

    private static string Rate(double v) => double.IsNaN(v) ? "-" : v.ToString("0", CultureInfo.InvariantCulture);

    private static string Rate2(double v) => double.IsNaN(v) ? "-" : v.ToString("0.00", CultureInfo.InvariantCulture);
}
