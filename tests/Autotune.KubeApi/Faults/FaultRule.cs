using System.Text.RegularExpressions;

namespace Autotune.KubeApi.Faults;

/// <summary>
/// Requests a fault applies to: an HTTP method (or any) and a path pattern where * matches one path segment and **
/// any number of them (/apis/apps/v1/namespaces/*/deployments/**).
/// </summary>
public sealed class FaultRule
{
    private readonly Regex _path;
    private int _remaining;

    internal FaultRule(string? method, string pathPattern, int count, int? status, TimeSpan delay)
    {
        Method = method;
        PathPattern = pathPattern;
        _remaining = count;
        Status = status;
        Delay = delay;
        var regex = Regex.Escape(pathPattern).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal);
        _path = new Regex("^" + regex + "$", RegexOptions.CultureInvariant);
    }

    /// <summary>The method matched (GET, PUT, PATCH, POST, DELETE), or null for any.</summary>
    public string? Method { get; }

    /// <summary>The path pattern matched.</summary>
    public string PathPattern { get; }

    /// <summary>The status answered, or null for a delay only.</summary>
    public int? Status { get; }

    /// <summary>The delay before answering (or failing).</summary>
    public TimeSpan Delay { get; }

    /// <summary>How many more requests the rule applies to.</summary>
    public int Remaining => Volatile.Read(ref _remaining);

    internal bool TryConsume(string method, string path)
    {
        if ((Method is not null && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) || !_path.IsMatch(path))
        {
            return false;
        }

        var left = Volatile.Read(ref _remaining);
        while (left > 0)
        {
            var seen = Interlocked.CompareExchange(ref _remaining, left - 1, left);
            if (seen == left)
            {
                return true;
            }

            left = seen;
        }

        return false;
    }
}
