using Autotune.Contracts;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class TuningFileTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Applies_a_file_published_by_a_configmap_symlink_swap_and_reports_it_in_the_gauges()
    {
        var ct = TestContext.Current.CancellationToken;
        using var tuning = new TuningDirectory();
        tuning.Write(new TuningFile(1, ThreadPoolMinThreads: 9, DbMaxPoolSize: 5));
        await using var app = await AgentApp.StartAsync(o => o.TuningFilePath = tuning.Path, cancellationToken: ct);

        // Applied before the host finished starting.
        Assert.Equal(1, app.Agent.AppliedGeneration);

        tuning.Write(new TuningFile(2, ThreadPoolMinThreads: 11, DbMaxPoolSize: 6));
        await app.Agent.WaitForGenerationAsync(2, ct).WaitAsync(Timeout, ct);

        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.Equal(11, workers);
        Assert.Equal(6, app.DataSource.MaxPoolSize);
        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        Assert.Equal(2, scrape.Value(MetricNames.AppliedGeneration.Prometheus));
        Assert.Equal(11, scrape.Value(MetricNames.AppliedMinThreads.Prometheus));
        Assert.Equal(6, scrape.Value(MetricNames.AppliedPoolSize.Prometheus));
    }

    [Fact]
    public async Task Half_written_invalid_and_missing_files_keep_the_last_good_settings_and_are_counted_by_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        using var tuning = new TuningDirectory();
        tuning.Write(new TuningFile(1, ThreadPoolMinThreads: 10, DbMaxPoolSize: 4));
        await using var app = await AgentApp.StartAsync(o => o.TuningFilePath = tuning.Path, cancellationToken: ct);
        Assert.Equal(1, app.Agent.AppliedGeneration);

        // Caught half-written (a local writer that rewrites in place).
        tuning.WriteText("{\n  \"generation\": 2,\n  \"threadPoolMi");
        await Await.UntilAsync(() => app.Agent.RejectedTuningFiles == 1, Timeout, "the half-written file is rejected", ct);

        // Complete JSON with a value the agent refuses.
        tuning.Write(new TuningFile(3, ThreadPoolMinThreads: 0, DbMaxPoolSize: 4));
        await Await.UntilAsync(() => app.Agent.RejectedTuningFiles == 2, Timeout, "the invalid file is rejected", ct);

        // The key removed from the ConfigMap.
        tuning.Delete();
        await Await.UntilAsync(() => app.Agent.RejectedTuningFiles == 3, Timeout, "the missing file is counted", ct);

        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        Assert.Equal(1, app.Agent.AppliedGeneration);
        Assert.Equal(new TuningFile(1, 10, 4), app.Agent.Applied);
        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.Equal(10, workers);
        Assert.Equal(4, app.DataSource.MaxPoolSize);
        Assert.Equal(1, scrape.Value(MetricNames.AppliedGeneration.Prometheus));
        Assert.Equal(4, scrape.Value(MetricNames.AppliedPoolSize.Prometheus));
        foreach (var reason in new[] { "malformed", "invalid", "missing" })
        {
            Assert.Equal(1, scrape.Sum(MetricNames.TuningFileRejected.Prometheus, (MetricLabels.Reason, reason)));
        }

        // An unchanged bad state is counted once, not on every poll; a good file is applied again.
        tuning.Write(new TuningFile(4, ThreadPoolMinThreads: 12, DbMaxPoolSize: 5));
        await app.Agent.WaitForGenerationAsync(4, ct).WaitAsync(Timeout, ct);
        Assert.Equal(3, app.Agent.RejectedTuningFiles);
        Assert.Equal(5, app.DataSource.MaxPoolSize);
    }

    [Fact]
    public async Task Starts_with_the_process_defaults_when_the_file_does_not_exist_yet()
    {
        var ct = TestContext.Current.CancellationToken;
        using var tuning = new TuningDirectory();
        await using var app = await AgentApp.StartAsync(o =>
        {
            o.TuningFilePath = tuning.Path;
            o.ConnectionString = "Host=127.0.0.1;Port=1;Maximum Pool Size=13";
        }, cancellationToken: ct);

        Assert.Null(app.Agent.Applied);
        Assert.Equal(13, app.DataSource.MaxPoolSize);
        Assert.Equal(1, app.Agent.RejectedTuningFiles);

        tuning.Write(new TuningFile(1, ThreadPoolMinThreads: null, DbMaxPoolSize: 3));
        await app.Agent.WaitForGenerationAsync(1, ct).WaitAsync(Timeout, ct);
        Assert.Equal(3, app.DataSource.MaxPoolSize);

        // A knob the file leaves out returns to the connection string's value.
        tuning.Write(new TuningFile(2, ThreadPoolMinThreads: null, DbMaxPoolSize: null));
        await app.Agent.WaitForGenerationAsync(2, ct).WaitAsync(Timeout, ct);
        Assert.Equal(13, app.DataSource.MaxPoolSize);
    }

    [Fact]
    public async Task A_file_whose_applying_keeps_failing_is_counted_at_every_attempt_but_logged_once_and_once_more_when_it_recovers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var tuning = new TuningDirectory();
        tuning.Write(new TuningFile(1, ThreadPoolMinThreads: null, DbMaxPoolSize: 4));
        var logs = new LogCapture();
        var failing = 0;
        await using var app = await AgentApp.StartAsync(o =>
        {
            o.TuningFilePath = tuning.Path;
            o.ConnectionString = "Host=127.0.0.1;Port=1";
            o.ConfigureDataSource = _ =>
            {
                if (Volatile.Read(ref failing) == 1)
                {
                    throw new InvalidOperationException("the type mapping was refused");
                }
            };
        }, cancellationToken: ct, logs: logs);
        _ = app.DataSource.PoolName; // builds the first pool generation, so a new size must build another

        Volatile.Write(ref failing, 1);
        tuning.Write(new TuningFile(2, ThreadPoolMinThreads: null, DbMaxPoolSize: 6));
        await Await.UntilAsync(
            async () => Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.TuningApplyFailures.Prometheus) >= 5,
            Timeout, "five failed attempts counted", ct);

        Assert.Equal(1, app.Agent.AppliedGeneration);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Message.StartsWith("Applying the tuning file failed", StringComparison.Ordinal));

        Volatile.Write(ref failing, 0);
        await app.Agent.WaitForGenerationAsync(2, ct).WaitAsync(Timeout, ct);
        await Await.UntilAsync(() => logs.Entries.Any(e => e.Message.StartsWith("The tuning file applies again", StringComparison.Ordinal)), Timeout, "the recovery is logged", ct);

        Assert.Equal(6, app.DataSource.MaxPoolSize);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Message.StartsWith("Applying the tuning file failed", StringComparison.Ordinal));
        var recovered = Assert.Single(logs.Entries, e => e.Message.StartsWith("The tuning file applies again", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, recovered.Level);
        var failures = Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.TuningApplyFailures.Prometheus);
        Assert.Contains($"after {failures} failed attempts", recovered.Message, StringComparison.Ordinal);
    }
}
