using System.Net;

namespace Autotune.Load;

/// <summary>The generator only ever sends to this machine: 127.0.0.0/8, ::1 or localhost.</summary>
public static class LoopbackAddress
{
    /// <summary>True when the URL is an absolute http(s) URL whose host is a loopback address.</summary>
    public static bool IsLoopback(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        if (string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(url.IdnHost, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Throws unless the URL is on loopback.</summary>
    public static Uri Require(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return IsLoopback(url)
            ? url
            : throw new ArgumentException($"{url} is not a loopback http URL: the load generator only sends to 127.0.0.0/8, ::1 or localhost", nameof(url));
    }
}
