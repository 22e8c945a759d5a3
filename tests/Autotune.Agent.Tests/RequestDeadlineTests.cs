using Autotune.Agent.Shedding;
using Autotune.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class RequestDeadlineTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_request_let_through_in_time_that_passes_its_deadline_inside_the_app_takes_no_pooled_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(
            options =>
            {
                options.ConnectionString = database;
                options.ShedAfter = TimeSpan.FromMilliseconds(200);
            },
            endpoints: e =>
            {
                // Queues inside the app first (as a continuation does behind a starved pool), then goes to the database.
                e.MapGet("/late-read", async (ITunedDataSource db, int delayMs, CancellationToken token) =>
                {
                    await Task.Delay(delayMs, token);
                    try
                    {
                        await using var connection = await db.OpenConnectionAsync(token);
                        return "served";
                    }
                    catch (RequestDeadlineExceededException ex)
                    {
                        return "failed fast: " + ex.Message;
                    }
                });
            },
            cancellationToken: ct,
            pipeline: a => a.UseAutotuneShedding());
        var metrics = app.App.Services.GetRequiredService<SheddingMetrics>();

        Assert.Equal("served", await app.Http.GetStringAsync(new Uri("/late-read?delayMs=0", UriKind.Relative), ct));
        var late = await app.Http.GetStringAsync(new Uri("/late-read?delayMs=400", UriKind.Relative), ct);

        Assert.StartsWith("failed fast: the request is ", late, StringComparison.Ordinal);
        Assert.Contains("past its 200 ms deadline", late, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Expired);
        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        Assert.Equal(1, scrape.Sum(MetricNames.RequestsShed.Prometheus, (MetricLabels.Reason, MetricLabels.ShedExpired)));

        // Outside a request (a background job, a health check of its own) there is no deadline to pass.
        await using (await app.DataSource.OpenConnectionAsync(ct))
        {
        }

        using var synchronous = app.DataSource.OpenConnection();
        Assert.Equal(System.Data.ConnectionState.Open, synchronous.State);
    }

    [Fact]
    public void The_deadline_set_for_one_request_does_not_leak_into_the_code_that_ran_the_middleware()
    {
        using var delay = new ThreadPoolQueueDelay(TimeSpan.FromSeconds(1));
        var deadline = new ShedDeadline(new AutotuneAgentOptions { ShedAfter = TimeSpan.FromMilliseconds(200) });
        using var metrics = new SheddingMetrics(delay, deadline);
        var middleware = new LateRequestShedding(delay, metrics, deadline);
        RequestDeadline? seenInside = null;

        var pipeline = middleware.InvokeAsync(new DefaultHttpContext(), _ =>
        {
            seenInside = RequestDeadline.Current;
            return Task.CompletedTask;
        });

        Assert.True(pipeline.IsCompletedSuccessfully);
        Assert.NotNull(seenInside);
        Assert.Null(RequestDeadline.Current);
    }
}
