namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>How watchers watch: the server-side timeout of a watch, the backoff between failed ones, and the clock.</summary>
/// <param name="WatchTimeout">How long the server keeps a watch open before the watcher resumes it.</param>
/// <param name="BackoffInitial">The first wait after a failed watch.</param>
/// <param name="BackoffMax">The longest wait between failed watches.</param>
/// <param name="Time">The clock.</param>
public sealed record WatchSettings(TimeSpan WatchTimeout, TimeSpan BackoffInitial, TimeSpan BackoffMax, TimeProvider Time);
