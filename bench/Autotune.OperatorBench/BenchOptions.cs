using System.Globalization;

namespace Autotune.OperatorBench;

/// <summary>What the benchmark creates and how long it runs.</summary>
public sealed record BenchOptions
{
    /// <summary>ApiTunings (each with a Deployment and its pods).</summary>
    public int Tunings { get; init; } = 1000;

    /// <summary>Namespaces they are spread over.</summary>
    public int Namespaces { get; init; } = 20;

    /// <summary>Ready pods per Deployment.</summary>
    public int PodsPerTuning { get; init; } = 2;

    /// <summary>spec.metrics.window of every ApiTuning, in seconds (a pass per window).</summary>
    public int WindowSeconds { get; init; } = 60;

    /// <summary>spec.metrics.scrapesPerWindow.</summary>
    public int ScrapesPerWindow { get; init; } = 6;

    /// <summary>Passes every ApiTuning must have had (after its first window) before the run ends.</summary>
    public int Passes { get; init; } = 3;

    /// <summary>Shortest steady-state span measured (from every ApiTuning's first pass to the end).</summary>
    public TimeSpan SteadyAtLeast { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The whole run is abandoned after this.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Run the controller in this process instead of a process of its own (RSS is then the whole process's).</summary>
    public bool InProcess { get; init; }

    /// <summary>Environment variables of the operator process (e.g. DOTNET_GCgen0MaxBudget), as KEY=VALUE.</summary>
    public IReadOnlyDictionary<string, string> OperatorEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Seconds of injected API-server faults after the first passes (the fault soak, FaultSoak); 0 runs the plain benchmark.</summary>
    public int FaultSeconds { get; init; }

    /// <summary>Seconds between two rounds of faults in the soak.</summary>
    public int FaultEverySeconds { get; init; } = 5;

    /// <summary>How long the soak holds back some status patches each round (a slow API server); zero holds none.</summary>
    public TimeSpan FaultDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// In the fault soak, every this many ApiTunings one has pods whose metrics ask for changes (<see cref="StarvingPods"/>),
    /// so changes are decided and written while the faults happen; 0: none.
    /// </summary>
    public int ChangingEvery { get; init; } = 10;

    /// <summary>Run the process-kill soak (<see cref="ProcessKillSoak"/>) instead of the benchmark or the fault soak.</summary>
    public bool ProcessKill { get; init; }

    /// <summary>In the process-kill soak, the tuning ConfigMap writes the first operator process makes before it is killed at its next one.</summary>
    public int KillAfterWrites { get; init; } = 4;

    /// <summary>Where the markdown report goes (stdout always gets it too).</summary>
    public string? ReportPath { get; init; }

    /// <summary>What <c>--help</c> prints.</summary>
    public const string Usage = """
        bench/Autotune.OperatorBench [options]
          --tunings 1000 --namespaces 20 --pods 2   ApiTunings, the namespaces they are spread over, ready pods per Deployment
          --window 60 --scrapes 6                   spec.metrics.window (seconds) and scrapesPerWindow of every ApiTuning
          --passes 3 --steady 60 --deadline 600     benchmark: passes each ApiTuning must have, shortest steady span; the whole run's limit (s)
          --in-process                              the controller in this process (else a child process)
          --operator-env KEY=VALUE                  an environment variable of the operator process
          --report FILE                             where the markdown report goes (stdout always gets it)
          --faults SECONDS                          the fault soak instead (API faults, hanging metrics, lost Lease, kill)
          --fault-every 5 --fault-delay-ms 3000     seconds between rounds of faults; how long some status patches are held
          --changing-every 10                       every this many ApiTunings one asks for changes (0: none)
          --process-kill --kill-after-writes 4      the process-kill soak instead: SIGKILL at the write after this many
        """;

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> environment, string pair) =>
        new(environment) { [pair.Split('=', 2)[0]] = pair.Split('=', 2) is [_, var value] ? value : throw new ArgumentException($"--operator-env wants KEY=VALUE, not {pair}") };

    /// <summary>Reads <c>--tunings 1000 --namespaces 20 --pods 2 --window 60 --scrapes 6 --passes 3 --steady 60 --deadline 600 --in-process --faults 120 --fault-every 5 --fault-delay-ms 3000 --changing-every 10 --process-kill --kill-after-writes 4 --operator-env KEY=VALUE --report path</c>.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--tunings" => options with { Tunings = Int() },
                "--namespaces" => options with { Namespaces = Int() },
                "--pods" => options with { PodsPerTuning = Int() },
                "--window" => options with { WindowSeconds = Int() },
                "--scrapes" => options with { ScrapesPerWindow = Int() },
                "--passes" => options with { Passes = Int() },
                "--steady" => options with { SteadyAtLeast = TimeSpan.FromSeconds(Int()) },
                "--deadline" => options with { Deadline = TimeSpan.FromSeconds(Int()) },
                "--in-process" => options with { InProcess = true },
                "--faults" => options with { FaultSeconds = Int(), InProcess = true },
                "--fault-every" => options with { FaultEverySeconds = Int() },
                "--fault-delay-ms" => options with { FaultDelay = TimeSpan.FromMilliseconds(Int()) },
                "--changing-every" => options with { ChangingEvery = Int() },
                "--process-kill" => options with { ProcessKill = true },
                "--kill-after-writes" => options with { KillAfterWrites = Int() },
                "--report" => options with { ReportPath = Next() },
                "--operator-env" => options with { OperatorEnvironment = With(options.OperatorEnvironment, Next()) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
