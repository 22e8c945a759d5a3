using Autotune.Operator.Kubernetes.Machinery;
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
    public async Task A_cancelled_schedule_never_fires_even_when_its_timer_callback_was_already_on_its_way()
    {
        var timers = new ManualTimers();
        using var queue = new WorkQueue(timers, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(80));
        queue.AddAfter("shop/gone", TimeSpan.FromMilliseconds(10));
        queue.Cancel("shop/gone");
        queue.AddAfter("shop/marker", TimeSpan.FromMilliseconds(60));

        // Every callback runs, the disposed timer's too: a callback the runtime had dispatched before Cancel disposed it.
        timers.FireAll();

        Assert.Equal("shop/marker", await queue.TakeAsync(Ct).WaitAsync(Patience, Ct));
        Assert.Equal(0, queue.Count);
    }

    /// <summary>Timers that fire only when told to, and fire even once disposed.</summary>
    private sealed class ManualTimers : TimeProvider
    {
        private readonly List<(TimerCallback Callback, object? State)> _callbacks = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _callbacks.Add((callback, state));
            return new Inert();
        }

        public void FireAll()
        {
            foreach (var (callback, state) in _callbacks.ToList())
            {
                callback(state);
            }
        }

        private sealed class Inert : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
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
