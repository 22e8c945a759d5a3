using Autotune.Agent.Tuning;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class FailureStreakTests
{
    [Fact]
    public void Reports_a_failure_once_until_it_changes_or_a_success_ends_the_streak()
    {
        var streak = new FailureStreak();

        Assert.True(streak.Fail(new InvalidOperationException("refused")));
        Assert.False(streak.Fail(new InvalidOperationException("refused")));
        Assert.False(streak.Fail(new InvalidOperationException("refused")));
        Assert.True(streak.Fail(new InvalidOperationException("refused differently")));
        Assert.True(streak.Fail(new IOException("refused differently")));
        Assert.Equal(5, streak.Count);

        Assert.Equal(5, streak.Succeed());
        Assert.Equal(0, streak.Succeed());
        Assert.True(streak.Fail(new IOException("refused differently")));
        Assert.Equal(1, streak.Count);
    }
}
