using System.Globalization;

namespace Autotune.Demo.Proof;

/// <summary>How much of the proof to run: the full protocol, or a smoke run that checks the harness in a few minutes.</summary>
public sealed record ProofOptions
{
    /// <summary>Runs of (a), (b) and (c) each, whose median is reported.</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Length of each ramp step.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>An unjudged step at the ramp's first rate before every static ramp (the processes' first requests pay for JIT and new connections).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest local mode may tune, counted from the first request of load.</summary>
    public TimeSpan TuningCap { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Windows at the top rate, all holds at the same settings, after which local mode counts as settled.</summary>
    public int StableWindows { get; init; } = 3;

    /// <summary>A screening run of a grid point stops after this many missed steps in a row.</summary>
    public int ScreenStopAfterMisses { get; init; } = 2;

    /// <summary>Keep only the first and last value of each grid dimension (smoke runs).</summary>
    public bool TinyGrid { get; init; }

    /// <summary>Profiles to run by name (empty: all).</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>The Markdown file the results go to (rewritten after every profile).</summary>
    public required string OutFile { get; init; }

    /// <summary>Only the simulator's predictions for the selected profiles (seconds, no real stack started).</summary>
    public bool PredictOnly { get; init; }

    /// <summary>Reads `proof [--smoke] [--predict] [--repeats N] [--step SECONDS] [--cap MINUTES] [--profile NAME]... [--out FILE]`.</summary>
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
                "--smoke" => options with { Repeats = 1, TinyGrid = true, TuningCap = TimeSpan.FromMinutes(2), Step = TimeSpan.FromSeconds(6) },
                "--repeats" => options with { Repeats = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--step" => options with { Step = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--cap" => options with { TuningCap = TimeSpan.FromMinutes(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--tiny-grid" => options with { TinyGrid = true },
                "--predict" => options with { PredictOnly = true },
                "--out" => options with { OutFile = Path.GetFullPath(Next()) },
                "--profile" => Add(options, profiles, Next()),
                _ => throw new ArgumentException($"unknown option {args[i]}; usage: proof [--smoke] [--predict] [--repeats N] [--step SECONDS] [--cap MINUTES] [--tiny-grid] [--profile NAME]... [--out FILE]"),
            };
        }

        if (options.Repeats < 1)
        {
            throw new ArgumentException("--repeats must be at least 1");
        }

        return options with { Profiles = profiles };
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
