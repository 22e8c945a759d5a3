using System.Globalization;
using Autotune.Simulation.Control;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Cli;

/// <summary>The simulator's command line: <c>bench</c>, <c>calibrate</c>, <c>scenario NAME [CONTROLLER]</c>, <c>fixed NAME KNOB=VALUE...</c>.</summary>
public static class SimulationCommands
{
    /// <summary>Runs the command in <paramref name="args"/>, writing to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        switch (args.FirstOrDefault())
        {
            case "scenario" when args.Length >= 2:
                return ShowScenario(args[1], args.Length >= 3 ? args[2] : "static", args, output);
            case "perf" when args.Length >= 2:
                for (var i = 0; i < 4; i++)
                {
                    var r = ScenarioRunner.Run(ScenarioCatalog.Get(args[1]), Controller("static"));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[1]}: {r.WallMs:0} ms for {r.MinuteCount} simulated minutes"));
                }

                return 0;
            case "optimum" when args.Length >= 2:
                {
                    var scenario = ScenarioCatalog.Get(args[1]);
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    var (best, setting, runs) = OptimumSearch.Find(scenario);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{scenario.Name}: {setting?.ToString() ?? "none feasible"}; r-min {best?.SteadyReplicaMinutes ?? double.NaN:0}, {runs} runs, {watch.ElapsedMilliseconds} ms"));
                    return 0;
                }

            case "sweep" when args.Length >= 3:
                {
                    var scenario = ScenarioCatalog.Get(args[1]);
                    var knob = Enum.Parse<Engine.Resource.Spec.Knob>(args[2]);
                    foreach (var value in args.Skip(3).Select(v => int.Parse(v, CultureInfo.InvariantCulture)))
                    {
                        var r = ScenarioRunner.Run(scenario, new StaticController("sweep", [(knob, value)]));
                        var tail = r.Minutes[0].Skip(5).ToList();
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{knob}={value,4}: over {r.MinutesOver,3}, median p99 {tail.Select(m => m.P99Ms).Order().ElementAt(tail.Count / 2),8:0.0} ms, err {tail.Average(m => m.ErrorRate):P2}"));
                    }

                    return 0;
                }

            case "fixed" when args.Length >= 3:
                {
                    // One static setting, every minute's true P99 after a 2-minute warm-up (what the optimum search judges).
                    var scenario = ScenarioCatalog.Get(args[1]);
                    var seedAt = Array.IndexOf(args, "--seed");
                    var seed = seedAt >= 0 && seedAt + 1 < args.Length ? int.Parse(args[seedAt + 1], CultureInfo.InvariantCulture) : 1;
                    var knobs = args.Skip(2).Where(a => a.Contains('=', StringComparison.Ordinal)).Select(a => a.Split('=')).Select(p => (Enum.Parse<Engine.Resource.Spec.Knob>(p[0]), int.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
                    var r = ScenarioRunner.Run(scenario, new StaticController("fixed", knobs), seed);
                    var tail = r.Minutes[0].Skip(2).ToList();
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"over {r.MinutesOver}, p99 med {tail.Select(m => m.P99Ms).Order().ElementAt(tail.Count / 2):0} max {tail.Max(m => m.P99Ms):0}: {string.Join(" ", tail.Select(m => m.P99Ms.ToString("0", CultureInfo.InvariantCulture)))}"));
                    return 0;
                }

            case "calibrate":
                {
                    const string source = "bench/engine/calibration-points.csv";
                    var result = Calibration.DatabaseCalibration.Fit(Calibration.CalibrationPoint.ParseCsv(File.ReadAllText(source)));
                    var markdown = Calibration.CalibrationReport.Render(result, source);
                    File.WriteAllText("bench/engine/calibration.md", markdown);
                    output.Write(markdown);
                    return 0;
                }

            case "knees":
                Calibration.KneeCalibration.Describe(output);
                return 0;
            case "bench":
                return Bench(args, output);
            case "survey":
                foreach (var scenario in ScenarioCatalog.All)
                {
                    foreach (var name in new[] { "static", "formula", "hpa", "engine" })
                    {
                        var r = ScenarioRunner.Run(scenario, Controller(name));
                        var last = r.Minutes[0][^1];
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{scenario.Name,-32} {name,-8} over {r.MinutesOver,3} meet {r.MinutesToMeet?.ToString(CultureInfo.InvariantCulture) ?? "never",5} steady r-min {r.SteadyReplicaMinutes,5:0} conns {r.SteadyConnections,5:0} chg {r.Changes.Count,3} viol {r.Violations} last p99 {last.P99Ms,7:0.0} err {last.ErrorRate:P1} {r.WallMs,5:0} ms"));
                    }
                }

                return 0;
            default:
                output.WriteLine("usage: Autotune.Simulation bench [--out FILE] [--scenario NAME] [--seed N] | scenario NAME [static|formula|hpa|engine] [--evidence] [--seed N] | optimum NAME | sweep NAME KNOB VALUES... | fixed NAME KNOB=VALUE... [--seed N] | survey | perf NAME | knees");
                return 2;
        }
    }

    /// <summary>The controller called <paramref name="name"/>.</summary>
    public static IController Controller(string name) => name switch
    {
        "static" => new StaticController("static defaults"),
        "formula" => new FormulaPoolController(),
        "hpa" => new CpuAutoscalerController(),
        "engine" => new EngineController(),
        _ => throw new ArgumentException($"unknown controller '{name}'", nameof(name)),
    };

    private static int Bench(string[] args, TextWriter output)
    {
        var outIndex = Array.IndexOf(args, "--out");
        var path = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : "bench/results/engine.md";
        var only = Array.IndexOf(args, "--scenario");
        var scenarios = only >= 0 && only + 1 < args.Length ? [ScenarioCatalog.Get(args[only + 1])] : ScenarioCatalog.All;
        var seedIndex = Array.IndexOf(args, "--seed");
        var seed = seedIndex >= 0 && seedIndex + 1 < args.Length ? int.Parse(args[seedIndex + 1], CultureInfo.InvariantCulture) : 1;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = Reporting.EngineBench.Run(scenarios, seed, output);
        var markdown = Reporting.EngineReport.Render(outcomes, seed, watch.Elapsed.TotalSeconds);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, markdown);
        output.WriteLine($"wrote {path}");
        return 0;
    }

    private static int ShowScenario(string name, string controllerName, string[] args, TextWriter output)
    {
        var scenario = ScenarioCatalog.Get(name);
        var controller = Controller(controllerName);
        var seedIndex = Array.IndexOf(args, "--seed");
        var seed = seedIndex >= 0 && seedIndex + 1 < args.Length ? int.Parse(args[seedIndex + 1], CultureInfo.InvariantCulture) : 1;
        var result = ScenarioRunner.Run(scenario, controller, seed);
        if (controller is EngineController engine)
        {
            string? last = null;
            for (var k = 0; k < engine.Decisions.Count; k++)
            {
                var (api, decision) = engine.Decisions[k];
                var text = $"{scenario.Apis[api].Name} {decision.Kind} {decision.Bottleneck} {decision.Reason}: {decision.Message}";
                if (text != last)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  decision {k,3} t={decision.Time:HH:mm:ss} {text}"));
                    if (args.Contains("--evidence"))
                    {
                        output.WriteLine("    evidence: " + string.Join(", ", decision.Evidence.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}={e.Value:0.###}"))));
                    }
                }

                last = text;
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario.Name} / {result.Controller}: {result.WallMs:0} ms wall, over {result.MinutesOver} min, changes {result.Changes.Count}"));
        for (var i = 0; i < result.Minutes.Count; i++)
        {
            output.WriteLine(scenario.Apis[i].Name);
            foreach (var m in result.Minutes[i])
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {m.Minute,3} rps {m.OfferedRps,7:0} p99 {m.P99Ms,8:0.0} ms err {m.ErrorRate,6:P1} {(m.Met ? "met " : "MISS")} r {m.Replicas,2} thr {m.MinThreads,3} pool {m.PoolSize,3} maxc {m.MaxConnections,4} open {m.OpenConnections,5:0}"));
            }
        }

        foreach (var c in result.Changes)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  t={c.Time,6:0} {c.Api} {c.Knob} {c.From} -> {c.To}{(c.Violation ? " VIOLATION" : "")}: {c.Reason}"));
        }

        return 0;
    }
}
