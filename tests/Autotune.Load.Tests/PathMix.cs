namespace Autotune.Load.Tests;

/// <summary>A request mix for the tests: GET of each path in turn.</summary>
internal sealed class PathMix(params string[] paths) : IRequestMix
{
    private long _next;

    public HttpRequestMessage Create(Uri target, Random random) =>
        new(HttpMethod.Get, new Uri(target, paths[_next++ % paths.Length]));
}
