using Autotune.Load;

namespace Autotune.Demo;

/// <summary>The demo's fixed scenario: how mis-tuned the API starts, and the load it is driven with.</summary>
public sealed record DemoScenario
{
    /// <summary>Reads run on the blocking data path (synchronous Npgsql on the request thread), which starves the thread pool under load.</summary>
    public bool BlockingDataPath { get; init; } = true;

    /// <summary>Each query first holds its connection this long on the server, like a round trip to a remote database.</summary>
    public int RoundTripMilliseconds { get; init; } = 50;

    /// <summary>The Npgsql pool each API process starts with.</summary>
    public int StartingPoolSize { get; init; } = 4;

    /// <summary>PostgreSQL's max_connections at the start.</summary>
    public int StartingMaxConnections { get; init; } = 20;

    /// <summary>Users the API seeds; requests pick ids among them.</summary>
    public int Users { get; init; } = 100_000;

    /// <summary>Share of requests that are PUTs (the rest GET /users/{id}).</summary>
    public double PutShare { get; init; } = 0.1;

    /// <summary>The rates of the before and after ramps, requests per second.</summary>
    public IReadOnlyList<double> RampRates { get; init; } = [25, 50, 100, 150, 200, 250];

    /// <summary>How long each ramp step lasts.</summary>
    public TimeSpan RampStep { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A step at the ramp's first rate before it, not judged (the processes' first requests pay for JIT and new connections); zero: none.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    /// <summary>The rate offered while the operator tunes, reached by climbing the ramp's rates one window each (traffic grows, it does not arrive all at once).</summary>
    public double TuningRate { get; init; } = 200;

    /// <summary>Windows local mode runs for.</summary>
    public int TuningWindows { get; init; } = 14;

    /// <summary>The tuning load: the ramp's rates below <see cref="TuningRate"/>, one window each, then <see cref="TuningRate"/> until local mode stops.</summary>
    /// <remarks>With an idle gap, each window is the gap and then a burst for the rest of the window.</remarks>
    public IReadOnlyList<LoadStep> TuningLoad(TimeSpan window) =>
        RampRates.Where(r => r < TuningRate).Append(TuningRate)
            .Concat(Enumerable.Repeat(TuningRate, TuningWindows + 4))
            .SelectMany(r => IdleGap > TimeSpan.Zero && IdleGap < window ? Burst(r, window - IdleGap, "tuning") : [new LoadStep(r, window, "tuning")])
            .ToList();

    /// <summary>The label of the warm-up step.</summary>
    public const string WarmupLabel = "warmup";

    /// <summary>The warm-up step's rate (null: the ramp's first rate); lower where a cold cache makes the first rate an overload.</summary>
    public double? WarmupRate { get; init; }

    /// <summary>The label of an idle gap before a burst (not judged).</summary>
    public const string IdleLabel = "idle";

    /// <summary>The trickle offered in an idle gap (the generator needs a positive rate): one request a second.</summary>
    public const double IdleRate = 1;

    /// <summary>Extra settings of the API processes (environment variables), applied after the demo's own.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>An idle gap before every ramp step and tuning window: the load comes in bursts after quiet spells (zero: none).</summary>
    public TimeSpan IdleGap { get; init; } = TimeSpan.Zero;

    /// <summary>True for the steps that are not judged: the warm-up and idle gaps.</summary>
    public static bool Unjudged(IntervalReport step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Label is WarmupLabel or IdleLabel;
    }

    /// <summary>The ramp with a label, after the warm-up step when there is one; with an idle gap, each step is a burst after a quiet spell.</summary>
    public IReadOnlyList<LoadStep> Ramp(string label) =>
        (Warmup > TimeSpan.Zero ? [new LoadStep(WarmupRate ?? RampRates[0], Warmup, WarmupLabel)] : Array.Empty<LoadStep>())
            .Concat(RampRates.SelectMany(r => Burst(r, RampStep, label)))
            .ToList();

    private IEnumerable<LoadStep> Burst(double rate, TimeSpan length, string label)
    {
        if (IdleGap > TimeSpan.Zero)
        {
            yield return new LoadStep(IdleRate, IdleGap, IdleLabel);
        }

        yield return new LoadStep(rate, length, label);
    }
}
