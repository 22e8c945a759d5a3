using System.Globalization;
using Autotune.Simulation.Control;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Cli;

/// <summary>The simulator's command line: <c>bench</c>, <c>calibrate</c>, <c>scenario NAME [CONTROLLER]</c>.</summary>
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
                return ShowScenario(args[1], args.Length >= 3 ? args[2] : "static", output);
            case "perf" when args.Length >= 2:
                for (var i = 0; i < 4; i++)
                {
                    var r = ScenarioRunner.Run(ScenarioCatalog.Get(args[1]), Controller("static"));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{args[1]}: {r.WallMs:0} ms for {r.MinuteCount} simulated minutes"));
                }

                return 0;
            default:
                output.WriteLine("usage: Autotune.Simulation scenario NAME [static|formula|hpa|engine]");
                return 2;
        }
    }

    /// <summary>The controller called <paramref name="name"/>.</summary>
    public static IController Controller(string name) => name switch
    {
        "static" => new StaticController("static defaults"),
        "formula" => new FormulaPoolController(),
        "hpa" => new CpuAutoscalerController(),
        _ => throw new ArgumentException($"unknown controller '{name}'", nameof(name)),
    };

    private static int ShowScenario(string name, string controllerName, TextWriter output)
    {
        var scenario = ScenarioCatalog.Get(name);
        var result = ScenarioRunner.Run(scenario, Controller(controllerName));
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
