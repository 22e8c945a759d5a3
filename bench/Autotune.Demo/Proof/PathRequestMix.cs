using Autotune.Load;

namespace Autotune.Demo.Proof;

/// <summary>GET of one fixed path on every request (the generator check's GET /bare).</summary>
public sealed class PathRequestMix(string path) : IRequestMix
{
    /// <inheritdoc />
    public HttpRequestMessage Create(Uri target, Random random) => new(HttpMethod.Get, new Uri(target, path));
}
