using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Diagnosis;

/// <summary>
/// Rule 1: never act blind. No window, a stale one, too few scrapes, missing pods or too little traffic hold every
/// setting, except that a live process whose queue grows while its scrapes are slow or few is starving, and one that
/// completes few requests while many arrive has collapsed (<see cref="CollapseSignal"/>): evidence, not missing data.
/// </summary>
internal static class DataSufficiency
{
    /// <summary>A hold finding when the window cannot be acted on; null when it can.</summary>
    /// <param name="window">The window, or null when none could be read.</param>
    /// <param name="windowLength">The spec's window length (an older window is stale).</param>
    /// <param name="maxQueueDepth">The queue objective (a growing queue over it lets a thin window through).</param>
    /// <param name="now">The decision time.</param>
    /// <param name="starvationException">False to judge the window on its own, without the exception for a starving process.</param>
    public static Finding? Check(ObservedWindow? window, TimeSpan windowLength, double maxQueueDepth, DateTimeOffset now, bool starvationException = true)
    {
        if (window is null || window.Pods <= 0)
        {
            return Finding.Hold(Bottleneck.Unknown, DecisionReasons.NoData,
                "no metrics window could be read; every setting is kept", new Dictionary<string, double>());
        }

        var evidence = new Dictionary<string, double>
        {
            [EvidenceKeys.Scrapes] = window.Scrapes,
            [EvidenceKeys.WindowAgeSeconds] = (now - window.End).TotalSeconds,
            [EvidenceKeys.Rps] = window.Rps,
        };
        var age = now - window.End;
        if (age > windowLength || age < -windowLength)
        {
            return Finding.Hold(Bottleneck.Unknown, DecisionReasons.StaleData,
                $"the last window ended {Num.F(age.TotalSeconds)} s ago, more than the {Num.F(windowLength.TotalSeconds)} s window; every setting is kept",
                evidence);
        }

        if (!starvationException || window.Scrapes < Thresholds.MinScrapesForTrend || !StarvationSignal.QueueGrows(window, maxQueueDepth))
        {
            if (!window.IsSufficient)
            {
                return Finding.Hold(Bottleneck.Unknown, DecisionReasons.TooFewScrapes,
                    window.InsufficientReason ?? $"the window has {window.Scrapes} scrapes, too few to judge", evidence);
            }

            if (window.Scrapes < Thresholds.MinScrapes)
            {
                return Finding.Hold(Bottleneck.Unknown, DecisionReasons.TooFewScrapes,
                    $"the window has {window.Scrapes} scrapes, fewer than the {Thresholds.MinScrapes} a judgement needs", evidence);
            }

            if (window.MissingPods > 0)
            {
                return Finding.Hold(Bottleneck.Unknown, DecisionReasons.MissingPods,
                    $"{window.MissingPods} of {window.Pods + window.MissingPods} ready pods could not be scraped", evidence);
            }

            if ((window.Requests < Thresholds.MinRequests || double.IsNaN(window.P99Ms)) && !CollapseSignal.Collapsed(window))
            {
                return Finding.Hold(Bottleneck.Unknown, DecisionReasons.TooLittleTraffic,
                    $"{Num.F(window.Requests)} requests in the window ({Num.F(window.Rps)} rps), fewer than the {Num.F(Thresholds.MinRequests)} latency needs",
                    evidence);
            }
        }

        return null;
    }
}
