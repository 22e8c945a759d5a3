using System.Diagnostics;
using System.Net.Http.Json;
using SampleApi.Data;
using SampleApi.Tests.Infrastructure;

namespace SampleApi.Tests;

public sealed class FreshnessTests(SharedServers servers)
{
    private static readonly TimeSpan OtherProcessBound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task After_a_write_the_writer_never_serves_the_old_row_and_another_process_stops_within_a_second()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 100);
        // Entries live long, so only the invalidation (not expiry) can make the other process fresh in time.
        settings["SampleApi:Cache:LocalTtlSeconds"] = "600";
        // Four readers in tight loops on cached rows outrun the default 2,000 requests a second; the limiter's 429s
        // are MiddlewareTests' subject, not this one's.
        settings["SampleApi:RateLimitPerSecond"] = "1000000";
        settings["SampleApi:RateLimitBurst"] = "1000000";
        await using var writer = await ApiHost.StartAsync(settings, ct);
        await using var other = await ApiProcess.StartAsync(settings, ct);
        const long id = 42;
        Assert.Equal(1, (await other.Http.GetFromJsonAsync<User>($"/users/{id}", ct))!.Version);

        var clock = Stopwatch.StartNew();
        var acks = new List<(TimeSpan At, long Version)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readers = new[] { writer.Http, writer.Http, other.Http, other.Http }
            .Select(http => Task.Run(() => ReadUntilStoppedAsync(http, id, clock, stop.Token), ct)).ToArray();

        for (var i = 1; i <= 15; i++)
        {
            var response = await writer.Http.PutAsJsonAsync($"/users/{id}", new UserInput($"Name {i}", $"fresh{i}@x.example"), ct);
            response.EnsureSuccessStatusCode();
            var written = await response.Content.ReadFromJsonAsync<User>(ct);
            lock (acks)
            {
                acks.Add((clock.Elapsed, written!.Version));
            }

            await Task.Delay(100, ct);
        }

        await Task.Delay(OtherProcessBound + TimeSpan.FromMilliseconds(300), ct);
        await stop.CancelAsync();
        var reads = await Task.WhenAll(readers);

        for (var r = 0; r < reads.Length; r++)
        {
            var bound = r < 2 ? TimeSpan.Zero : OtherProcessBound;
            Assert.True(reads[r].Count > 20, $"reader {r} made only {reads[r].Count} reads");
            foreach (var (started, version) in reads[r])
            {
                var mustSee = acks.Where(a => a.At + bound <= started).Select(a => a.Version).DefaultIfEmpty(1).Max();
                Assert.True(version >= mustSee, $"reader {r} (process {(r < 2 ? "writer" : "other")}) started at {started.TotalMilliseconds:0} ms and got version {version}, but version {mustSee} was acknowledged {bound.TotalMilliseconds:0} ms or more before");
            }

            var versions = reads[r].Select(x => x.Version).ToList();
            Assert.True(versions.SequenceEqual(versions.Order()), $"reader {r} saw versions go backwards: {string.Join(",", versions)}");
        }

        Assert.Equal(16, reads[3][^1].Version);
    }

    private static async Task<List<(TimeSpan Started, long Version)>> ReadUntilStoppedAsync(HttpClient http, long id, Stopwatch clock, CancellationToken stop)
    {
        var reads = new List<(TimeSpan, long)>();
        while (!stop.IsCancellationRequested)
        {
            var started = clock.Elapsed;
            try
            {
                var user = await http.GetFromJsonAsync<User>($"/users/{id}", stop);
                reads.Add((started, user!.Version));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }

        return reads;
    }
}
