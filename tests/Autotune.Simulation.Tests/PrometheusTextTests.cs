using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Autotune.Simulation.Control;
using Autotune.Simulation.Metrics;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Tests;

public sealed class PrometheusTextTests
{
    private static readonly WorkloadProfile Work = new() { CpuMs = 2, QueriesPerRequest = 1, QueryCpuMs = 0.5, NetworkRttMs = 1 };

    [Fact]
    public void Emitted_text_parses_cleanly_and_names_every_metric_of_the_contract_that_has_a_value()
    {
        var world = World.One(Work, rps: 400, pool: 10);
        World.Run(world, 20);

        var text = PrometheusTextWriter.Render(world.Apis[0].Pods[0]);
        var parsed = new ExpositionParser().Parse(text);

        Assert.True(parsed.IsClean, string.Join("; ", parsed.Errors.Select(e => e.ToString())));
        // The model has no machine or cgroup around its pods: those series are the agent's alone (checked on a real
        // scrape in Autotune.Agent.Tests).
        MetricName[] notModelled =
        [
            MetricNames.TuningFileRejected, MetricNames.ConnectionOpenFailures,
            MetricNames.SystemCpuTime, MetricNames.CgroupCpuTime, MetricNames.CgroupCpuPeriods, MetricNames.CgroupCpuThrottledPeriods,
            MetricNames.CgroupCpuThrottledTime, MetricNames.CgroupCpuLimit,
        ];
        foreach (var name in MetricNames.All.Except(notModelled))
        {
            var series = name.Kind == MetricKind.Histogram ? name.Bucket : name.Prometheus;
            Assert.Contains(parsed.Samples, s => s.Series.Name == series);
        }

        Assert.Equal(HistogramBuckets.RequestDuration.Count + 1,
            parsed.Samples.Count(s => s.Series.Name == MetricNames.RequestDuration.Bucket && s.Series.Labels.Any(l => l.Value == "200")));
    }

    [Fact]
    public void A_window_built_by_the_engine_from_the_emitted_text_gives_back_the_simulated_rate_cpu_and_settings()
    {
        var world = World.One(Work, rps: 600, replicas: 2, pool: 12);
        World.Run(world, 30);
        var parser = new ExpositionParser();
        var scrapes = new List<Scrape>();
        for (var i = 0; i <= 6; i++)
        {
            foreach (var pod in world.Apis[0].ReadyPods(world.Now))
            {
                scrapes.Add(Scrape.Parsed(pod.Name, EngineController.At(world.Now), pod.ScrapeLatencyMs, parser.Parse(PrometheusTextWriter.Render(pod))));
            }

            World.Run(world, 10);
        }

        var window = WindowBuilder.Build(scrapes, new WindowOptions { LatencyObjectiveMs = 250 });

        Assert.True(window.IsSufficient, window.InsufficientReason);
        Assert.Equal(2, window.Pods);
        Assert.InRange(window.Rps, 570, 630);
        Assert.InRange(window.CpuUtilization, 0.27, 0.33); // 300 rps per pod x 2 ms / 2 cores
        Assert.Equal(12, window.AppliedPoolSize);
        Assert.InRange(window.ConnectionHoldMeanMs, 1.4, 1.8); // 1 ms round trip + 0.5 ms query
        Assert.True(window.P99Ms < 50, $"p99 {window.P99Ms}");
        Assert.True(window.ShareUnderObjective > 0.99);
    }
}
