namespace Autotune.Load;

/// <summary>
/// The base URLs requests are spread over, round-robin; the list can be replaced while the load runs (replicas
/// come and go). Every URL must be on loopback.
/// </summary>
public sealed class LoopbackTargets
{
    private Uri[] _urls;
    private long _next;

    /// <summary>Creates the set with its first URLs (may be empty until <see cref="Replace"/> is called).</summary>
    public LoopbackTargets(IEnumerable<Uri> urls)
    {
        _urls = Check(urls);
    }

    /// <summary>The current URLs.</summary>
    public IReadOnlyList<Uri> Current => Volatile.Read(ref _urls);

    /// <summary>Replaces the URLs; requests already sent finish where they went.</summary>
    public void Replace(IEnumerable<Uri> urls) => Volatile.Write(ref _urls, Check(urls));

    /// <summary>The next URL, or null when there is none.</summary>
    public Uri? Next()
    {
        var urls = Volatile.Read(ref _urls);
        return urls.Length == 0 ? null : urls[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)urls.Length)];
    }

    private static Uri[] Check(IEnumerable<Uri> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return urls.Select(LoopbackAddress.Require).ToArray();
    }
}
