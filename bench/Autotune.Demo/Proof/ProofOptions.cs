using System.Globalization;

namespace Autotune.Demo.Proof;

/// <summary>How much of the proof to run: the full protocol, or a smoke run that checks the harness in a few minutes.</summary>
public sealed record ProofOptions
{
    /// <summary>Runs of (a), (b) and (c) each, whose median is reported.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Length of each ramp step (2 s: at the profiles' start rates of 200 req/s and more, at least 400 requests a step).</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>An unjudged step at the ramp's first rate before every static ramp (the processes' first requests pay for JIT and new connections).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Every profile's start rate is multiplied by this (below 1 on a slower or busier machine, so that ramps start below the knees).</summary>
    public double StartScale { get; init; } = 1;

    /// <summary>Each ramp step offers this much more than the one before (1.15: about 15%).</summary>
    public double Growth { get; init; } = KneeRamp.DefaultGrowth;

    /// <summary>A ramp stops after this many steps in a row missed P99 or errors; its knee is the highest rate held.</summary>
    public int StopAfterMisses { get; init; } = 1;

    /// <summary>A knee within this share of the grid's best counts as as good as it, for (c) (the cheapest such grid point).</summary>
    public double CheapestWithin { get; init; } = 0.02;

    /// <summary>Runs of each baseline (defaults, HikariCP's formula): the comparison the targets do not judge, so fewer by default to keep the run within an hour.</summary>
    public int BaselineRepeats { get; init; } = 1;

    /// <summary>Skip the generator check at the start.</summary>
    public bool SkipGeneratorCheck { get; init; }

    /// <summary>Only print the run-time estimate.</summary>
    public bool EstimateOnly { get; init; }

    /// <summary>Smoke run: every phase briefly, to check the harness.</summary>
    public bool Smoke { get; init; }

    /// <summary>Longest local mode may tune, counted from the first request of load.</summary>
    public TimeSpan TuningCap { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Windows at the top rate, all holds at the same settings, after which local mode counts as settled: three, the
    /// windows of peaks the engine's idle-pool trim reads (<c>GiveBackPolicy.IdleWindows</c>), so a run is not stopped
    /// on the holds before a trim the engine would make.
    /// </summary>
    public int StableWindows { get; init; } = 3;

    /// <summary>Keep only the first and last value of each grid dimension (smoke runs).</summary>
    public bool TinyGrid { get; init; }

    /// <summary>Profiles to run by name (empty: all).</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>The Markdown file the results go to (rewritten after every profile).</summary>
    public required string OutFile { get; init; }

    /// <summary>Only the simulator's predictions for the selected profiles (seconds, no real stack started).</summary>
    public bool PredictOnly { get; init; }

    /// <summary>Where each tuning run's local-mode record (JSON lines, every window and Event) is kept, or null to keep none.</summary>
    public string? RecordsDirectory { get; init; }

    /// <summary>Reads `proof [--smoke] [--predict] [--repeats N] [--step SECONDS] [--cap MINUTES] [--estimate] [--growth FACTOR] [--start-scale FACTOR] [--stop-after MISSES] [--baseline-repeats N] [--no-generator-check] [--tiny-grid] [--profile NAME]... [--out FILE]`.</summary>
    /// <remarks>The results go to <paramref name="defaultOut"/> (bench/results/tuning.md), a smoke run's to <paramref name="smokeOut"/>, unless --out says otherwise.</remarks>
    public static ProofOptions Parse(IReadOnlyList<string> args, string defaultOut, string smokeOut)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ProofOptions { OutFile = args.Contains("--smoke") ? smokeOut : defaultOut };
        var profiles = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--smoke" => options with { Smoke = true, Repeats = 1, BaselineRepeats = 1, TinyGrid = true, TuningCap = TimeSpan.FromSeconds(40), StableWindows = 1, Step = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromSeconds(1), Growth = 2, StartScale = 0.5 },
                "--repeats" => options with { Repeats = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--step" => options with { Step = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--cap" => options with { TuningCap = TimeSpan.FromMinutes(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--tiny-grid" => options with { TinyGrid = true },
                "--baseline-repeats" => options with { BaselineRepeats = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--no-generator-check" => options with { SkipGeneratorCheck = true },
                "--estimate" => options with { EstimateOnly = true },
                "--start-scale" => options with { StartScale = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--growth" => options with { Growth = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--stop-after" => options with { StopAfterMisses = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--predict" => options with { PredictOnly = true },
                "--out" => options with { OutFile = Path.GetFullPath(Next()) },
                "--profile" => Add(options, profiles, Next()),
                _ => throw new ArgumentException($"unknown option {args[i]}; usage: proof [--smoke] [--predict] [--repeats N] [--step SECONDS] [--cap MINUTES] [--estimate] [--growth FACTOR] [--start-scale FACTOR] [--stop-after MISSES] [--baseline-repeats N] [--no-generator-check] [--tiny-grid] [--profile NAME]... [--out FILE]"),
            };
        }

        if (options.Repeats < 1 || options.StopAfterMisses < 1 || options.BaselineRepeats < 0)
        {
            throw new ArgumentException("--repeats and --stop-after must be at least 1, --baseline-repeats at least 0");
        }

        if (!(options.Growth > 1) || !(options.StartScale > 0))
        {
            throw new ArgumentException("--growth must be above 1 and --start-scale above 0");
        }

        return options with { Profiles = profiles };
    }

    /// <summary>The rate a profile's ramps start at: its start rate x <see cref="StartScale"/>.</summary>
    public double StartRate(ProofProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Math.Max(1, Math.Round(profile.StartRate * StartScale));
    }

    /// <summary>The grid's points: every combination of the values in use; a smoke run keeps only the first and the last.</summary>
    public IReadOnlyList<StaticSettings> GridPoints(ProofProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var points = ProofScore.Grid(GridValues(profile.MinThreadsGrid), GridValues(profile.PoolGrid), GridValues(profile.MaxConnectionsGrid), GridValues(profile.ReplicasGrid));
        return Smoke && points.Count > 2 ? [points[0], points[^1]] : points;
    }

    /// <summary>The grid values to use: all of them, or the first and last with <see cref="TinyGrid"/>.</summary>
    public IReadOnlyList<T> GridValues<T>(IReadOnlyList<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return TinyGrid && values.Count > 2 ? [values[0], values[^1]] : values;
    }

    private static ProofOptions Add(ProofOptions options, List<string> profiles, string name)
    {
        profiles.Add(name);
        return options;
    }
}
