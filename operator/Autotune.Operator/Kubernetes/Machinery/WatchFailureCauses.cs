namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// Why a watch failed, as the <c>cause</c> label of <c>autotune_watch_failures_total</c> and in its log line. Only
/// <see cref="Api"/> is expected (the API server or the network); the others are a defect or bad data, logged as
/// errors, and the watcher lists again from scratch after its backoff.
/// </summary>
public static class WatchFailureCauses
{
    /// <summary>The API server answered an error, or the connection failed or timed out: the watch resumes from its resourceVersion.</summary>
    public const string Api = "api";

    /// <summary>A watch event or list item could not be read as the object type (bad JSON, a field of the wrong type).</summary>
    public const string Malformed = "malformed";

    /// <summary>A handler of the watcher's changes threw; the change is delivered again after the re-list.</summary>
    public const string Handler = "handler";

    /// <summary>Anything else.</summary>
    public const string Unexpected = "unexpected";

    /// <summary>Every cause, for metrics and docs.</summary>
    public static IReadOnlyList<string> All { get; } = [Api, Malformed, Handler, Unexpected];
}
