using Autotune.Operator.Reconcile;
using Xunit;

namespace Autotune.Operator.Tests.Reconcile;

public sealed class ServerLocksTests
{
    [Fact]
    public async Task Decisions_for_one_server_are_made_one_at_a_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var locks = new ServerLocks();
        var first = await locks.LockAsync("10.0.0.5:5432", ct);

        var second = locks.LockAsync("10.0.0.5:5432", ct);
        var otherServer = await locks.LockAsync("10.0.0.6:5432", ct);

        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10), ct)).Dispose();
        otherServer.Dispose();
    }
}
