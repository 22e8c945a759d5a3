using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Autotune.Load;

/// <summary>
/// The sample API's traffic: GET /users/{random id} and, for a share of requests, PUT /users/{random id} with a
/// new name and email. Ids are drawn uniformly from 1 to <see cref="UserCount"/> (the users the API seeds).
/// </summary>
public sealed class UserRequestMix : IRequestMix
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>Creates the mix.</summary>
    public UserRequestMix(long userCount, double putShare)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(userCount, 1);
        if (!(putShare >= 0 && putShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(putShare), putShare, "the share of PUTs must be between 0 and 1");
        }

        UserCount = userCount;
        PutShare = putShare;
    }

    /// <summary>Ids are drawn from 1 to this.</summary>
    public long UserCount { get; }

    /// <summary>Share of requests that are PUTs.</summary>
    public double PutShare { get; }

    /// <inheritdoc />
    public HttpRequestMessage Create(Uri target, Random random)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(random);
        var id = random.NextInt64(1, UserCount + 1);
        var url = new Uri(target, string.Create(CultureInfo.InvariantCulture, $"users/{id}"));
        if (random.NextDouble() >= PutShare)
        {
            return new HttpRequestMessage(HttpMethod.Get, url);
        }

        var body = string.Create(CultureInfo.InvariantCulture, $$"""{"name":"Load {{id}}","email":"load{{id}}.{{random.Next(1000)}}@example.com"}""");
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = Json;
        return new HttpRequestMessage(HttpMethod.Put, url) { Content = content };
    }
}
