namespace Autotune.KubeApi.Faults;

/// <summary>Fails, delays or cuts requests on purpose, so tests can see how a client copes.</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];
    private readonly List<(FaultRule Rule, Func<string, string> Rewrite)> _watchEvents = [];
    private CancellationTokenSource _watches = new();

    /// <summary>Answers the next <paramref name="count"/> requests matching method and path with <paramref name="status"/> (a v1 Status body).</summary>
    public FaultRule FailNext(int count, string? method, string pathPattern, int status) =>
        Add(new FaultRule(method, pathPattern, count, status, TimeSpan.Zero));

    /// <summary>Delays the next <paramref name="count"/> requests matching method and path by <paramref name="delay"/>.</summary>
    public FaultRule DelayNext(int count, string? method, string pathPattern, TimeSpan delay) =>
        Add(new FaultRule(method, pathPattern, count, null, delay));

    /// <summary>
    /// Rewrites the next <paramref name="count"/> events served on watches whose path matches: each event's JSON line
    /// (without its newline) goes through <paramref name="rewrite"/>, so a test can send a malformed event (a field
    /// of the wrong type, a truncated line). The store keeps the real object: a watch resumed from before the event,
    /// or a list, gets it unchanged.
    /// </summary>
    public FaultRule RewriteNextWatchEvents(int count, string pathPattern, Func<string, string> rewrite)
    {
        ArgumentNullException.ThrowIfNull(rewrite);
        var rule = new FaultRule("WATCH", pathPattern, count, null, TimeSpan.Zero);
        lock (_gate)
        {
            _watchEvents.Add((rule, rewrite));
        }

        return rule;
    }

    /// <summary>Ends every open watch now (the client sees its stream close); watches opened later are unaffected.</summary>
    public void DropWatches()
    {
        CancellationTokenSource dropped;
        lock (_gate)
        {
            dropped = _watches;
            _watches = new();
        }

        dropped.Cancel();
        dropped.Dispose();
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
            _watchEvents.Clear();
        }
    }

    /// <summary>The rewrite of the next event served on a watch of <paramref name="path"/>, consuming it; null for none.</summary>
    internal Func<string, string>? MatchWatchEvent(string path)
    {
        lock (_gate)
        {
            return _watchEvents.FirstOrDefault(r => r.Rule.TryConsume("WATCH", path)).Rewrite;
        }
    }

    /// <summary>A token cancelled by the next <see cref="DropWatches"/>.</summary>
    internal CancellationToken WatchDropToken
    {
        get
        {
            lock (_gate)
            {
                return _watches.Token;
            }
        }
    }

    /// <summary>The first rule with requests left that matches, consuming one of them.</summary>
    internal FaultRule? Match(string method, string path)
    {
        lock (_gate)
        {
            return _rules.FirstOrDefault(r => r.TryConsume(method, path));
        }
    }

    private FaultRule Add(FaultRule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }
}
