using Autotune.Operator.Kubernetes.Machinery;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

public sealed class BackoffTests
{
    [Fact]
    public void Delays_grow_with_jitter_between_half_and_all_of_the_doubling_ceiling_and_never_pass_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), new Random(7));
        var ceilings = new[] { 100, 200, 400, 800, 1000, 1000, 1000 };

        foreach (var ceiling in ceilings)
        {
            var delay = backoff.Next().TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2.0, ceiling);
        }
    }

    [Fact]
    public void Jitter_spreads_the_delays_of_many_reconnecting_watchers()
    {
        var random = new Random(11);
        var delays = Enumerable.Range(0, 50).Select(_ => new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), random).Next()).Distinct().Count();

        Assert.True(delays > 40, $"only {delays} distinct delays out of 50");
    }

    [Fact]
    public void Reset_starts_again_from_the_base()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(3));
        for (var i = 0; i < 6; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        Assert.InRange(backoff.Next().TotalMilliseconds, 50, 100);
        Assert.Equal(1, backoff.Attempts);
    }
}
