using Autotune.Operator.Kubernetes.Controller;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WorkQueue NewQueue() => new(TimeProvider.System, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(80));

    [Fact]
    public async Task Duplicates_added_before_a_take_are_taken_once()
    {
        using var queue = NewQueue();
        queue.Add("shop/orders");
        queue.Add("shop/orders");
        queue.Add("shop/carts");
        queue.Add("shop/orders");

        Assert.Equal(2, queue.Count);
        Assert.Equal("shop/orders", await queue.TakeAsync(Ct));
        Assert.Equal("shop/carts", await queue.TakeAsync(Ct));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_added_while_it_is_processed_waits_until_done_so_no_two_workers_hold_it()
    {
        using var queue = NewQueue();
        queue.Add("shop/orders");
        var key = await queue.TakeAsync(Ct);

        queue.Add("shop/orders");
        queue.Add("shop/orders");
        Assert.Equal(0, queue.Count);
        var second = queue.TakeAsync(Ct);
        Assert.False(second.IsCompleted);

        queue.Done(key!);
        Assert.Equal("shop/orders", await second.WaitAsync(Patience, Ct));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Failed_keys_come_back_after_a_backoff_that_doubles_up_to_the_cap_and_resets_when_forgotten()
    {
        using var queue = NewQueue();
        var delays = Enumerable.Range(0, 5).Select(_ => queue.AddRateLimited("shop/orders").TotalMilliseconds).ToList();

        Assert.Equal([10, 20, 40, 80, 80], delays);
        Assert.Equal(5, queue.Failures("shop/orders"));
        queue.Forget("shop/orders");
        Assert.Equal(0, queue.Failures("shop/orders"));
        Assert.Equal(10, queue.AddRateLimited("shop/orders").TotalMilliseconds);
    }

    [Fact]
    public async Task A_failed_key_is_requeued_not_dropped()
    {
        using var queue = NewQueue();
        queue.AddRateLimited("shop/orders");

        Assert.Equal("shop/orders", await queue.TakeAsync(Ct).WaitAsync(Patience, Ct));
    }

    [Fact]
    public async Task A_scheduled_key_arrives_later_and_the_earlier_of_two_schedules_wins()
    {
        using var queue = NewQueue();
        queue.AddAfter("shop/orders", TimeSpan.FromHours(1));
        queue.AddAfter("shop/orders", TimeSpan.FromMilliseconds(20));
        queue.AddAfter("shop/orders", TimeSpan.FromHours(2));

        Assert.Equal(0, queue.Count);
        Assert.Equal("shop/orders", await queue.TakeAsync(Ct).WaitAsync(Patience, Ct));
    }

    [Fact]
    public async Task A_cancelled_schedule_never_fires()
    {
        using var queue = NewQueue();
        queue.AddAfter("shop/gone", TimeSpan.FromMilliseconds(10));
        queue.Cancel("shop/gone");
        queue.AddAfter("shop/marker", TimeSpan.FromMilliseconds(60));

        Assert.Equal("shop/marker", await queue.TakeAsync(Ct).WaitAsync(Patience, Ct));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Shutting_down_releases_every_waiting_worker_with_nothing()
    {
        using var queue = NewQueue();
        var waiting = Enumerable.Range(0, 3).Select(_ => queue.TakeAsync(Ct)).ToList();

        queue.ShutDown();
        queue.Add("shop/orders");

        Assert.All(await Task.WhenAll(waiting).WaitAsync(Patience, Ct), Assert.Null);
    }
}
