using System.Globalization;

namespace Autotune.LiveRecovery;

/// <summary>The scenario: how the API is mis-tuned, the load, the settings written live, and what counts as recovered.</summary>
public sealed record RecoveryOptions
{
    /// <summary>Arrival rate offered for the whole run, requests per second.</summary>
    public double Rate { get; init; } = 200;

    /// <summary>How long the collapse runs before the settings are made sufficient.</summary>
    public TimeSpan Collapse { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the load continues after the settings were written.</summary>
    public TimeSpan Recover { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The latency objective (P99) and the shedding deadline when shedding is on.</summary>
    public TimeSpan Objective { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Pairs of runs (shedding off, then on; the next pair starts with on).</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>The pool each process starts with (the demo's).</summary>
    public int StartingPoolSize { get; init; } = 4;

    /// <summary>Minimum worker threads written live.</summary>
    public int FixedMinThreads { get; init; } = 32;

    /// <summary>Pool size written live.</summary>
    public int FixedPoolSize { get; init; } = 16;

    /// <summary>Consecutive good seconds that count as recovered.</summary>
    public int HoldSeconds { get; init; } = 10;

    /// <summary>Share of offered requests that must succeed in a good second.</summary>
    public double GoodputShare { get; init; } = 0.95;

    /// <summary>Users seeded; requests pick ids among them.</summary>
    public int Users { get; init; } = 100_000;

    /// <summary>
    /// Also run the controls: a fresh process started with the fixed settings (do they suffice?) and shedding on with
    /// the settings never fixed (does shedding alone bring it back?).
    /// </summary>
    public bool Controls { get; init; }

    /// <summary>Per round, also a run where shedding is off until the tuning file that fixes the settings turns it on (as the operator would).</summary>
    public bool ShedWithFix { get; init; }

    /// <summary>Parses <c>--rate N --collapse S --recover S --objective-ms N --rounds N --min-threads N --pool N --controls --shed-with-fix</c>.</summary>
    public static RecoveryOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RecoveryOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--rate" => options with { Rate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--collapse" => options with { Collapse = TimeSpan.FromSeconds(Int()) },
                "--recover" => options with { Recover = TimeSpan.FromSeconds(Int()) },
                "--objective-ms" => options with { Objective = TimeSpan.FromMilliseconds(Int()) },
                "--rounds" => options with { Rounds = Int() },
                "--min-threads" => options with { FixedMinThreads = Int() },
                "--pool" => options with { FixedPoolSize = Int() },
                "--controls" => options with { Controls = true },
                "--shed-with-fix" => options with { ShedWithFix = true },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
