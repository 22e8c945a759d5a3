namespace Autotune.Engine.Metrics.Windows;

/// <summary>How one scrape of one pod ended.</summary>
public enum ScrapeOutcome
{
    /// <summary>The pod answered; its samples are in the scrape.</summary>
    Succeeded,

    /// <summary>The pod accepted the connection but did not answer in time: a live process too starved to serve its metrics.</summary>
    TimedOut,

    /// <summary>No answer at all (connection refused, reset, DNS): not evidence about the process.</summary>
    Failed,
}
