namespace Autotune.Engine.Resource.Validation;

/// <summary>The limits cross-field rules apply; crds/apituning.yaml states the same numbers in its CEL rules.</summary>
public static class SpecLimits
{
    /// <summary>Shortest window that holds enough requests and scrapes to judge.</summary>
    public static readonly TimeSpan ShortestWindow = TimeSpan.FromSeconds(10);

    /// <summary>Longest window: past it, decisions would rest on stale evidence.</summary>
    public static readonly TimeSpan LongestWindow = TimeSpan.FromMinutes(30);

    /// <summary>Shortest time between two scrapes of one pod.</summary>
    public static readonly TimeSpan ShortestScrapeInterval = TimeSpan.FromSeconds(2);

    /// <summary>Connections the operator's own admin session holds on the database.</summary>
    public const int AdminConnections = 1;
}
