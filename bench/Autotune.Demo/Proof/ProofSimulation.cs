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
    private const double MinutesPerRate = 3;

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
    /// mode runs with: objectives, window and scrapes, budgets, cooldown) on a model of the profile's API.
    /// </summary>
    public static Scenario ScenarioFor(ProofProfile profile, ApiTuningSpec proofSpec, RateProfile rate, double durationSeconds, int? replicas = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(proofSpec);
        var api = new ApiOptions
        {
            Name = "sample-api",
            Rate = rate,
            Workload = new WorkloadProfile
            {
                CpuMs = 1.0,
                QueriesPerRequest = 1,
                QueryCpuMs = 0.3,
                NetworkRttMs = profile.Scenario.RoundTripMilliseconds,
                BlockingShare = profile.Scenario.BlockingDataPath ? 1.0 : 0.0,
            },
            Pod = new PodOptions { Cores = 2 },
            Replicas = replicas ?? profile.Replicas,
            MinThreads = 2,
            PoolSize = profile.Starting.Pool,
        };
        return new Scenario
        {
            Name = "proof-" + profile.Name,
            Description = profile.Description,
            Database = new DatabaseOptions { Cores = 2, MaxConnections = profile.Starting.MaxConnections },
            Apis = [api],
            Specs = [proofSpec with { TargetRef = proofSpec.TargetRef with { Name = api.Name } }],
            DurationSeconds = durationSeconds,
        };
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
    /// rate run for three simulated minutes and judged on the last (P99 at or under 200 ms, errors at most 0.1%),
    /// stopping at the first miss.
    /// </summary>
    public static double HighestHeld(ProofProfile profile, ApiTuningSpec proofSpec, StaticSettings settings)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(settings);
        var held = 0.0;
        foreach (var rate in KneeRamp.Rates(profile.StartRate, ceiling: profile.ExpectedKnee * 4))
        {
            var controller = new StaticController("proof", [
                (Knob.ThreadPoolMinThreads, settings.MinThreads ?? 2),
                (Knob.DbMaxPoolSize, settings.Pool),
                (Knob.PostgresMaxConnections, settings.MaxConnections)]);
            var minute = ScenarioRunner.Run(ScenarioFor(profile, proofSpec, RateProfile.Constant(rate), MinutesPerRate * 60, settings.Replicas), controller).Minutes[0][^1];
            if (!(minute.P99Ms <= 200 && minute.ErrorRate <= ProofScore.MaxErrorShare))
            {
                break;
            }

            held = rate;
        }

        return held;
    }

    /// <summary>The report's section: the predictions beside the measured medians, and where they disagree.</summary>
    public static string Markdown(IReadOnlyList<(ProfileResult Measured, Prediction Predicted)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var md = new StringBuilder();
        md.AppendLine("## The simulator's prediction beside the measurements").AppendLine();
        md.AppendLine("`operator/Autotune.Simulation` used as a library, unchanged (`ProofSimulation` in bench/Autotune.Demo/Proof): each profile becomes a simulator scenario running the proof's own ApiTuning (its objectives, window, scrapes per window, budgets and cooldown) with the same replicas, starting pool, threads and max_connections, the round trip as the network round trip of one query per request, the blocking share 1 or 0, 2 API cores and 2 database cores, API CPU 1 ms and query CPU 0.3 ms per request (assumed, not calibrated to this machine). Static settings: each ramp rate runs for three simulated minutes and the last is judged (P99 <= 200 ms, errors <= 0.1%); the simulator's steady state is therefore kinder than a ramp step of a few seconds. (b): the engine runs on a simulated ramp to the top rate (a minute per step, then 5 minutes at the top; the engine decides once per window and the pods are scraped as often as the spec asks), and what it reached is frozen and judged the same way. (c): the same grid, the same winner rule.").AppendLine();
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

    /// <summary>
    /// Where the simulator's calibration goes: for each profile and setting, the knee the simulator predicts beside the
    /// knee measured here, with the held-out error (target at most 25% per profile). Not built yet: the model's
    /// workload parameters (API and query CPU per request, the blocking share) are still assumed, not fitted to the
    /// real stack's own sweeps (the grid screening ramps above are those sweeps).
    /// </summary>
    public const string CalibrationPlaceholder = """
        ## Simulator calibration: predicted against measured knee

        Not built yet. The place for it: one row per profile and grid setting, the simulator's predicted knee beside the knee this run measured in the grid screening, the model fitted on part of those sweeps and its error reported on the rest (held-out; target at most 25% per profile). Until then the simulator's workload parameters (API CPU 1 ms and query CPU 0.3 ms per request) are assumed, and the section above compares only (a), (b) and (c).
        """;

    private static string Rate(double v) => double.IsNaN(v) ? "-" : v.ToString("0", CultureInfo.InvariantCulture);

    private static string Rate2(double v) => double.IsNaN(v) ? "-" : v.ToString("0.00", CultureInfo.InvariantCulture);
}
