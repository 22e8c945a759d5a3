using Autotune.Agent.Shedding;
using Autotune.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class SheddingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Sheds_a_request_that_waited_in_the_starved_thread_pool_past_the_deadline_without_running_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var served = 0;
        await using var app = await AgentApp.StartAsync(
            options =>
            {
                options.ShedAfter = Deadline;

                // A slow probe keeps the starved wait as the estimate for a second after the pool recovers, so the
                // request released with it is judged on that wait, whatever the scheduler does in between.
                options.QueueDelayProbeInterval = TimeSpan.FromSeconds(1);
            },
            endpoints: e => e.MapGet("/work", () => Interlocked.Increment(ref served).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            cancellationToken: ct,
            pipeline: a => a.UseAutotuneShedding());
        var delay = app.App.Services.GetRequiredService<ThreadPoolQueueDelay>();
        Assert.Equal("1", await app.Http.GetStringAsync(new Uri("/work", UriKind.Relative), ct));
        await Await.UntilAsync(() => delay.Current < Deadline, TimeSpan.FromSeconds(10), "the pool is not starved", ct);

        string? answer = null;
        var client = new Thread(() => answer = BlockingHttp.GetText(new Uri(app.BaseUri, "/work"), TimeSpan.FromSeconds(30))) { IsBackground = true };

        // Far more blocking work items than threads; this section never yields to the starved pool.
        using (StarvedPool.Block(400))
        {
            Assert.True(SpinWait.SpinUntil(() => delay.Current > Deadline, TimeSpan.FromSeconds(10)), "the probe sees the starvation");
            client.Start();
            var sentWhile = delay.Current;
            Assert.True(SpinWait.SpinUntil(() => delay.Current > sentWhile + Deadline, TimeSpan.FromSeconds(10)), "the request waits past the deadline");
        }

        Assert.True(client.Join(TimeSpan.FromSeconds(30)), "the shed request is answered");
        Assert.NotNull(answer);
        Assert.StartsWith("HTTP/1.1 503 ", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nRetry-After: 1\r\n", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"status\":503", answer, StringComparison.Ordinal);
        Assert.Equal(1, served);

        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        Assert.Equal(1, scrape.Sum(MetricNames.RequestsShed.Prometheus, (MetricLabels.Reason, MetricLabels.ShedWaited)));
        Assert.Equal(0, scrape.Sum(MetricNames.RequestsShed.Prometheus, (MetricLabels.Reason, MetricLabels.ShedCallerGone)));

        // Once a probe runs promptly again, requests are served.
        await Await.UntilAsync(() => delay.Current < Deadline, TimeSpan.FromSeconds(10), "the probe sees the pool recovered", ct);
        Assert.Equal("2", await app.Http.GetStringAsync(new Uri("/work", UriKind.Relative), ct));
    }

    [Fact]
    public async Task Serves_every_request_while_the_pool_keeps_up_and_exports_the_deadline_and_zero_counts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AgentApp.StartAsync(options => options.ShedAfter = Deadline, cancellationToken: ct, pipeline: a => a.UseAutotuneShedding());

        for (var i = 0; i < 50; i++)
        {
            using var response = await app.Http.GetAsync(new Uri("/ping", UriKind.Relative), ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        var shed = scrape.Samples.Where(s => s.Name == MetricNames.RequestsShed.Prometheus).ToDictionary(s => s.Labels[MetricLabels.Reason], s => s.Value);
        Assert.Equal(new Dictionary<string, double> { [MetricLabels.ShedWaited] = 0, [MetricLabels.ShedCallerGone] = 0, [MetricLabels.ShedExpired] = 0 }, shed);
        Assert.Equal(0.2, scrape.Value(MetricNames.ShedAfter.Prometheus)!.Value, 6);
        Assert.InRange(scrape.Value(MetricNames.ThreadPoolQueueDelay.Prometheus) ?? -1, 0, 0.2);
    }

    [Fact]
    public async Task Drops_a_request_whose_caller_has_already_gone_without_running_it()
    {
        var served = 0;
        using var delay = new ThreadPoolQueueDelay(TimeSpan.FromSeconds(1));
        var deadline = new ShedDeadline(new AutotuneAgentOptions { ShedAfter = Deadline });
        using var shedding = new SheddingMetrics(delay, deadline);
        var middleware = new LateRequestShedding(delay, shedding, deadline);
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        var context = new DefaultHttpContext { RequestAborted = gone.Token };

        await middleware.InvokeAsync(context, _ =>
        {
            served++;
            return Task.CompletedTask;
        });
        await middleware.InvokeAsync(new DefaultHttpContext(), _ =>
        {
            served++;
            return Task.CompletedTask;
        });

        Assert.Equal(1, served);
        Assert.Equal(1, shedding.CallerGone);
        Assert.Equal(0, shedding.Waited);
    }

    [Fact]
    public async Task Takes_the_deadline_live_from_the_tuning_file_and_returns_to_its_own_when_the_file_leaves_it_out()
    {
        var ct = TestContext.Current.CancellationToken;
        using var tuning = new TuningDirectory();
        tuning.Write(new TuningFile(1, null, null));
        await using var app = await AgentApp.StartAsync(
            options =>
            {
                options.TuningFilePath = tuning.Path;
                options.ShedAfter = TimeSpan.FromMilliseconds(500);
            },
            cancellationToken: ct,
            pipeline: a => a.UseAutotuneShedding());
        var deadline = app.App.Services.GetRequiredService<ShedDeadline>();
        Assert.Equal(TimeSpan.FromMilliseconds(500), deadline.Current);

        tuning.Write(new TuningFile(2, null, null, ShedAfterMilliseconds: 250));
        await app.Agent.WaitForGenerationAsync(2, ct).WaitAsync(TimeSpan.FromSeconds(15), ct);
        Assert.Equal(TimeSpan.FromMilliseconds(250), deadline.Current);
        Assert.Equal(0.25, Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.ShedAfter.Prometheus)!.Value, 6);

        tuning.Write(new TuningFile(3, null, null));
        await app.Agent.WaitForGenerationAsync(3, ct).WaitAsync(TimeSpan.FromSeconds(15), ct);
        Assert.Equal(TimeSpan.FromMilliseconds(500), deadline.Current);
        Assert.Equal(0.5, Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.ShedAfter.Prometheus)!.Value, 6);
    }

    [Fact]
    public async Task Without_any_deadline_the_middleware_passes_every_request_on_and_reports_zero()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AgentApp.StartAsync(cancellationToken: ct, pipeline: a => a.UseAutotuneShedding());

        Assert.Equal("pong", await app.Http.GetStringAsync(new Uri("/ping", UriKind.Relative), ct));
        Assert.Equal(0, Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.ShedAfter.Prometheus));
    }

    [Theory]
    [InlineData("250", 250)]
    [InlineData("0", null)]
    [InlineData(null, null)]
    public void Reads_the_deadline_from_the_environment(string? value, int? expectedMs)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [AgentEnvironment.ShedAfterMilliseconds] = value })
            .Build();

        var options = AutotuneAgentExtensions.DefaultOptions(configuration);

        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, options.ShedAfter);
    }

    [Fact]
    public void Refuses_a_deadline_that_is_not_a_whole_number_of_milliseconds()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [AgentEnvironment.ShedAfterMilliseconds] = "0.2s" })
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => AutotuneAgentExtensions.DefaultOptions(configuration));
        Assert.Contains(AgentEnvironment.ShedAfterMilliseconds, error.Message, StringComparison.Ordinal);
    }
}
