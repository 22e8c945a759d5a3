using Autotune.Load;

namespace Autotune.LiveRecovery;

/// <summary>One run: every second of the load, when the settings were written, and what the agent reported.</summary>
/// <param name="Name">shedding off / on / on, settings never fixed.</param>
/// <param name="Seconds">The generator's report of every second, by intended send time.</param>
/// <param name="WrittenAt">Seconds from the load's start at which the tuning file was written (null: never).</param>
/// <param name="AppliedAt">Seconds from the load's start of the first scrape that showed the new generation applied.</param>
/// <param name="Server">The agent's scrapes, one a second.</param>
/// <param name="Options">The scenario.</param>
public sealed record RecoveryResult(
    string Name,
    IReadOnlyList<IntervalReport> Seconds,
    double? WrittenAt,
    double? AppliedAt,
    IReadOnlyList<ServerSample> Server,
    RecoveryOptions Options)
{
    /// <summary>A second is good when at least the goodput share of its offered requests succeeded and its P99 is within the objective.</summary>
    public bool Good(IntervalReport second)
    {
        ArgumentNullException.ThrowIfNull(second);
        return second.Offered > 0
            && second.Succeeded >= Options.GoodputShare * second.Offered
            && second.P99Ms <= Options.Objective.TotalMilliseconds;
    }

    /// <summary>
    /// Seconds from the write to the start of the first second of <see cref="RecoveryOptions.HoldSeconds"/>
    /// consecutive good seconds (null: it did not recover within the run).
    /// </summary>
    public double? RecoveredAfter
    {
        get
        {
            var from = WrittenAt ?? Options.Collapse.TotalSeconds;
            var after = Seconds.Where(s => s.Start.TotalSeconds >= from).ToList();
            for (var i = 0; i + Options.HoldSeconds <= after.Count; i++)
            {
                if (after.Skip(i).Take(Options.HoldSeconds).All(Good))
                {
                    return after[i].Start.TotalSeconds - from;
                }
            }

            return null;
        }
    }

    /// <summary>Seconds from the write to the start of the first good second (null: none within the run).</summary>
    public double? FirstGoodAfter
    {
        get
        {
            var from = WrittenAt ?? Options.Collapse.TotalSeconds;
            return Seconds.FirstOrDefault(s => s.Start.TotalSeconds >= from && Good(s)) is { } first ? first.Start.TotalSeconds - from : null;
        }
    }

    /// <summary>Share of offered requests that succeeded in the seconds of the collapse's last 10 s before the write.</summary>
    public double CollapseGoodput => Share(Seconds.Where(s => s.Start.TotalSeconds < (WrittenAt ?? Options.Collapse.TotalSeconds)).TakeLast(10));

    /// <summary>Share of offered requests that succeeded from the write to the end.</summary>
    public double GoodputAfterWrite => Share(Seconds.Where(s => s.Start.TotalSeconds >= (WrittenAt ?? Options.Collapse.TotalSeconds)));

    /// <summary>Share of offered requests that succeeded in the run's last 30 s.</summary>
    public double FinalGoodput => Share(Seconds.TakeLast(30));

    /// <summary>Requests shed over the run (from the agent's counter).</summary>
    public double Shed => Server.Count == 0 ? 0 : Server.Max(s => double.IsNaN(s.Shed) ? 0 : s.Shed);

    /// <summary>The largest thread-pool queue seen.</summary>
    public double PeakQueue => Server.Count == 0 ? double.NaN : Server.Max(s => s.QueueLength);

    private static double Share(IEnumerable<IntervalReport> seconds)
    {
        var list = seconds.ToList();
        var offered = list.Sum(s => s.Offered);
        return offered == 0 ? double.NaN : (double)list.Sum(s => s.Succeeded) / offered;
    }
}
