namespace Autotune.Agent.Tuning;

/// <summary>
/// An operation retried on every poll that may keep failing: tells a failure unlike the last one (log it) from the
/// same one again (count it, say nothing), and says when the streak ends, so a failure that lasts an hour is two log
/// lines, not one a second.
/// </summary>
internal sealed class FailureStreak
{
    private string? _last;

    /// <summary>Failures since the last success.</summary>
    public int Count { get; private set; }

    /// <summary>Records a failure; true when it differs (type or message) from the one before it, or follows a success.</summary>
    public bool Fail(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Count++;
        var key = $"{exception.GetType().FullName}: {exception.Message}";
        if (key == _last)
        {
            return false;
        }

        _last = key;
        return true;
    }

    /// <summary>Records a success; returns how many failures it ends (0 when nothing was failing).</summary>
    public int Succeed()
    {
        var ended = Count;
        Count = 0;
        _last = null;
        return ended;
    }
}
