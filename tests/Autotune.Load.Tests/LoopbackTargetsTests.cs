using Xunit;

namespace Autotune.Load.Tests;

public sealed class LoopbackTargetsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://127.0.0.12:8080/")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("http://localhost:5000/")]
    public void Accepts_loopback_urls(string url)
    {
        Assert.True(LoopbackAddress.IsLoopback(new Uri(url)));
    }

    [Theory]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://192.168.1.20:8080/")]
    [InlineData("http://example.com/")]
    [InlineData("http://127.0.0.1.example.com/")]
    [InlineData("ftp://127.0.0.1/")]
    public void Refuses_anything_not_on_this_machine(string url)
    {
        Assert.False(LoopbackAddress.IsLoopback(new Uri(url)));
        Assert.Throws<ArgumentException>(() => new LoopbackTargets([new Uri(url)]));
        var targets = new LoopbackTargets([new Uri("http://127.0.0.1/")]);
        Assert.Throws<ArgumentException>(() => targets.Replace([new Uri("http://127.0.0.2/"), new Uri(url)]));
        Assert.Equal([new Uri("http://127.0.0.1/")], targets.Current);
    }

    [Fact]
    public void Spreads_requests_round_robin_and_follows_a_replaced_list()
    {
        var a = new Uri("http://127.0.0.11:8080/");
        var b = new Uri("http://127.0.0.12:8080/");
        var c = new Uri("http://127.0.0.13:8080/");
        var targets = new LoopbackTargets([a, b]);

        var first = Enumerable.Range(0, 4).Select(_ => targets.Next()).ToList();
        targets.Replace([c]);
        var after = Enumerable.Range(0, 3).Select(_ => targets.Next()).ToList();

        Assert.Equal(2, first.Count(u => u == a));
        Assert.Equal(2, first.Count(u => u == b));
        Assert.All(after, u => Assert.Equal(c, u));
    }

    [Fact]
    public void Has_no_target_when_the_list_is_empty()
    {
        Assert.Null(new LoopbackTargets([]).Next());
    }
}
