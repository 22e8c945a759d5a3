namespace Autotune.Load;

/// <summary>What the load generator sends, where, and for how long.</summary>
public sealed record LoadOptions
{
    /// <summary>The stepped arrival rates.</summary>
    public required LoadPlan Plan { get; init; }

    /// <summary>The requests to send.</summary>
    public required IRequestMix Mix { get; init; }

    /// <summary>Sent as X-Api-Key on every request when set (never logged).</summary>
    public string? ApiKey { get; init; }

    /// <summary>A request without an answer after this long counts as a timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most requests in flight at once; beyond it a request is counted as failed and not sent (protects the generator).</summary>
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>
    /// Most connections the generator opens to each target (unlimited by default: every request that finds no idle
    /// connection opens one). With a cap, requests beyond it wait in the client for a connection, still timed from
    /// their intended send time, so the generator does not pile new connections onto a server that has slowed down.
    /// </summary>
    public int MaxConnectionsPerTarget { get; init; } = int.MaxValue;

    /// <summary>Seed of the request mix's random source (fixed for repeatable runs).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Called with each second's report as soon as that second's requests have all finished.</summary>
    public Action<IntervalReport>? OnSecond { get; init; }

    /// <summary>Called with each step's report as soon as that step's requests have all finished.</summary>
    public Action<IntervalReport>? OnStep { get; init; }
}
