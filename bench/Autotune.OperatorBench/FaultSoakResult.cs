namespace Autotune.OperatorBench;

/// <summary>What one fault soak measured.</summary>
public sealed record FaultSoakResult
{
    /// <summary>The run's options.</summary>
    public required BenchOptions Options { get; init; }

    /// <summary>Rounds of faults injected.</summary>
    public int Rounds { get; init; }

    /// <summary>How long faults were injected.</summary>
    public TimeSpan FaultSpan { get; init; }

    /// <summary>The API server's answers during the faults, by HTTP status.</summary>
    public required IReadOnlyDictionary<int, int> Answered { get; init; }

    /// <summary>Answers other than 2xx during the faults, by "status verb resource".</summary>
    public required IReadOnlyDictionary<string, int> Refused { get; init; }

    /// <summary>LISTs during the faults, by resource.</summary>
    public required IReadOnlyDictionary<string, int> ListsDuringFaults { get; init; }

    /// <summary>Watches opened during the faults.</summary>
    public int WatchesDuringFaults { get; init; }

    /// <summary>autotune_watch_failures_total at the end, by "collection cause".</summary>
    public required IReadOnlyDictionary<string, double> WatchFailures { get; init; }

    /// <summary>autotune_loop_failures_total at the end, by loop.</summary>
    public required IReadOnlyDictionary<string, double> LoopFailures { get; init; }

    /// <summary>Pass results while faults were injected.</summary>
    public required IReadOnlyDictionary<string, long> ResultsDuringFaults { get; init; }

    /// <summary>ApiTunings whose status said Ready=True before the faults.</summary>
    public int ReadyBefore { get; init; }

    /// <summary>ApiTunings whose status says Ready=True at the end (waited for up to five windows).</summary>
    public int ReadyAfter { get; init; }

    /// <summary>From the last fault until every watch and loop of the controller was up again.</summary>
    public TimeSpan ControllerReady { get; init; }

    /// <summary>From the last fault until every ApiTuning had a good pass (acted, held or recommended).</summary>
    public TimeSpan EveryPass { get; init; }

    /// <summary>From the last fault until as many statuses said Ready as before.</summary>
    public TimeSpan StatusReady { get; init; }

    /// <summary>The ApiTunings' metrics window.</summary>
    public TimeSpan Window { get; init; }

    /// <summary>Successful writes of tuning ConfigMaps and Deployments from the first fault to the end.</summary>
    public int Changes { get; init; }

    /// <summary>The whole run.</summary>
    public TimeSpan Wall { get; init; }
}
