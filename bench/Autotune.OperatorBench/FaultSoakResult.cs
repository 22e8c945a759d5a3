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

    /// <summary>Writes of tuning ConfigMaps and Deployments of the ApiTunings whose metrics ask for no change, from the first fault to the end.</summary>
    public int Changes { get; init; }

    /// <summary>The most knob writes any one object (tuning ConfigMap or Deployment) of those got from the first fault to the end.</summary>
    public int MostWritesPerTarget { get; init; }

    /// <summary>Tuning ConfigMap writes of the ApiTunings asking for changes while the API faults were injected.</summary>
    public int ChangeWritesDuringFaults { get; init; }

    /// <summary>What became of every change decided for the ApiTunings asking for changes, over the whole run.</summary>
    public required ChangeAudit Audit { get; init; }

    /// <summary>autotune_status_write_timeouts_total of the first instance at the end, by kind.</summary>
    public IReadOnlyDictionary<string, double> StatusWriteTimeouts { get; init; } = new Dictionary<string, double>();

    /// <summary>The phase of metrics endpoints that hang.</summary>
    public required HangPhase Hang { get; init; }

    /// <summary>The phase of lost leadership.</summary>
    public required LeadershipPhase Leadership { get; init; }

    /// <summary>The phase of the operator killed and restarted.</summary>
    public required RestartPhase Restart { get; init; }

    /// <summary>The whole run.</summary>
    public TimeSpan Wall { get; init; }
}

/// <summary>Metrics endpoints that hang: the pods of some ApiTunings answer no scrape for a while.</summary>
public sealed record HangPhase
{
    /// <summary>ApiTunings whose pods hung.</summary>
    public int Hung { get; init; }

    /// <summary>The other ApiTunings.</summary>
    public int Others { get; init; }

    /// <summary>Other ApiTunings with a good pass while the endpoints hung.</summary>
    public int OthersWithGoodPass { get; init; }

    /// <summary>The longest any other ApiTuning went without a good pass while the endpoints hung.</summary>
    public TimeSpan LongestGapOfOthers { get; init; }

    /// <summary>Pass results of the hung ApiTunings from the start of the hang until their pods answered again.</summary>
    public required IReadOnlyDictionary<string, long> HungResults { get; init; }

    /// <summary>Scrapes the hanging endpoint held until the scraper gave up.</summary>
    public int HungScrapes { get; init; }

    /// <summary>The longest a scrape waited on the hanging endpoint.</summary>
    public TimeSpan LongestHeld { get; init; }

    /// <summary>Scrapes still waiting on the hanging endpoint at the end of the hang.</summary>
    public int StillOpen { get; init; }

    /// <summary>autotune_scrape_errors_total of the hung ApiTunings over the hang.</summary>
    public double HungScrapeErrors { get; init; }

    /// <summary>Knob writes (tuning ConfigMaps, Deployments) during the hang, of the ApiTunings whose metrics ask for no change.</summary>
    public int Changes { get; init; }

    /// <summary>Hung ApiTunings with MetricsAvailable=True before the hang.</summary>
    public int MetricsAvailableBefore { get; init; }

    /// <summary>Hung ApiTunings with MetricsAvailable=True after it (waited for up to five windows).</summary>
    public int MetricsAvailableAfter { get; init; }

    /// <summary>From the pods answering again until every ApiTuning had a good pass.</summary>
    public TimeSpan EveryPass { get; init; }

    /// <summary>From the pods answering again until MetricsAvailable was back.</summary>
    public TimeSpan MetricsBack { get; init; }
}

/// <summary>Leadership lost: another identity takes the Lease, holds it, then hands it back.</summary>
public sealed record LeadershipPhase
{
    /// <summary>ApiTunings asking for changes with a change in flight (applied, not yet confirmed and judged) when the Lease was taken.</summary>
    public int ChangesInFlight { get; init; }

    /// <summary>How long the other identity held the Lease.</summary>
    public TimeSpan Held { get; init; }

    /// <summary>From the Lease taken until the operator stopped leading; null if it never noticed.</summary>
    public TimeSpan? Noticed { get; init; }

    /// <summary>Writes (status, ConfigMaps, Deployments) from the Lease taken until the operator noticed.</summary>
    public int WritesBeforeNotice { get; init; }

    /// <summary>Writes from the operator's notice until the Lease was handed back.</summary>
    public int WritesAfterNotice { get; init; }

    /// <summary>From the Lease handed back until the operator led again with every watch up.</summary>
    public TimeSpan LeadingAgain { get; init; }

    /// <summary>From the Lease handed back until every ApiTuning had a good pass.</summary>
    public TimeSpan EveryPass { get; init; }

    /// <summary>ApiTunings with status Ready=True at the end.</summary>
    public int ReadyAfter { get; init; }

    /// <summary>From the Lease handed back until as many said Ready.</summary>
    public TimeSpan StatusReady { get; init; }
}

/// <summary>The operator killed (nothing handed back) and a new instance started against the same API server.</summary>
public sealed record RestartPhase
{
    /// <summary>ApiTunings asking for changes with a change in flight (applied, not yet confirmed and judged) at the kill.</summary>
    public int ChangesInFlight { get; init; }

    /// <summary>From the kill until the new instance led.</summary>
    public TimeSpan NewLeader { get; init; }

    /// <summary>
    /// Writes (status, ConfigMaps, Deployments) no leader made, each as "user verb path (status)": the killed instance's
    /// that reached the server after the kill, and the new instance's before its Lease write succeeded.
    /// </summary>
    public IReadOnlyList<string> WritesWithoutLeader { get; init; } = [];

    /// <summary>From the kill until every ApiTuning had a good pass of the new instance.</summary>
    public TimeSpan EveryPass { get; init; }

    /// <summary>ApiTunings with status Ready=True at the end.</summary>
    public int ReadyAfter { get; init; }

    /// <summary>From the kill until as many said Ready as before the faults.</summary>
    public TimeSpan StatusReady { get; init; }
}
