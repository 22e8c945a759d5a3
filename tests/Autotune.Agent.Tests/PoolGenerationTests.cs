using Autotune.Agent.Data;
using Npgsql;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class PoolGenerationTests
{
    [Fact]
    public void Retiring_with_no_leases_drains_at_once_and_refuses_new_leases()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        var generation = new PoolGeneration(1, "p#1", 5, dataSource);

        generation.Retire(DateTimeOffset.UnixEpoch);

        Assert.True(generation.Drained.IsCompleted);
        Assert.False(generation.TryAcquire());
        Assert.Equal(0, generation.ActiveLeases);
    }

    [Fact]
    public void Drains_only_after_the_last_lease_ends()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        var generation = new PoolGeneration(1, "p#1", 5, dataSource);
        Assert.True(generation.TryAcquire());
        Assert.True(generation.TryAcquire());

        generation.Retire(DateTimeOffset.UnixEpoch);
        Assert.Equal(2, generation.ActiveLeases);
        generation.Release();
        Assert.False(generation.Drained.IsCompleted);
        generation.Release();

        Assert.True(generation.Drained.IsCompleted);
    }

    [Fact]
    public async Task Under_racing_leases_a_generation_never_drains_while_a_lease_it_granted_is_out()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 200; round++)
        {
            using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
            var generation = new PoolGeneration(1, "p#1", 5, dataSource);
            var violations = 0;
            using var start = new Barrier(5);
            var workers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait(ct);
                for (var i = 0; i < 200; i++)
                {
                    if (generation.TryAcquire())
                    {
                        if (generation.Drained.IsCompleted)
                        {
                            Interlocked.Increment(ref violations);
                        }

                        generation.Release();
                    }
                }
            }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
            start.SignalAndWait(ct);
            generation.Retire(DateTimeOffset.UnixEpoch);
            await Task.WhenAll(workers);

            Assert.Equal(0, violations);
            Assert.True(generation.Drained.IsCompleted);
            Assert.Equal(0, generation.ActiveLeases);
        }
    }
}
