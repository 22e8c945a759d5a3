using Xunit;

namespace Autotune.Load.Tests;

public sealed class UserRequestMixTests
{
    [Fact]
    public async Task Reads_and_writes_existing_users_in_the_given_share()
    {
        var mix = new UserRequestMix(userCount: 500, putShare: 0.2);
        var random = new Random(7);
        var target = new Uri("http://127.0.0.11:8080/");

        var requests = Enumerable.Range(0, 5_000).Select(_ => mix.Create(target, random)).ToList();

        var puts = requests.Where(r => r.Method == HttpMethod.Put).ToList();
        Assert.InRange(puts.Count / 5_000.0, 0.17, 0.23);
        Assert.All(requests, r => Assert.True(r.Method == HttpMethod.Get || r.Method == HttpMethod.Put));
        Assert.All(requests, r =>
        {
            Assert.Equal("127.0.0.11", r.RequestUri!.Host);
            var id = long.Parse(r.RequestUri.AbsolutePath["/users/".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(id, 1, 500);
        });
        var body = await puts[0].Content!.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Matches("""^\{"name":"Load \d+","email":"load\d+\.\d+@example\.com"\}$""", body);
        Assert.Equal("application/json", puts[0].Content!.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void Refuses_a_share_outside_zero_to_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UserRequestMix(10, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UserRequestMix(0, 0.1));
    }
}
