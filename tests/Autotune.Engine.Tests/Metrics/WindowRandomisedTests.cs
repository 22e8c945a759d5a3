using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>Seeded random windows (restarts, timeouts, pods coming and going) against the requests really completed.</summary>
public sealed class WindowRandomisedTests
{
    private static readonly double[] Latencies = [0.004, 0.012, 0.03, 0.08, 0.2, 0.6];

    [Fact]
    public void Requests_equal_what_every_pod_completed_between_its_answered_scrapes()
    {
        var random = new Random(20261127);
        for (var trial = 0; trial < 300; trial++)
        {
            var parser = new ExpositionParser();
            var scrapes = new List<Scrape>();
            double truth = 0;
            double slowest = 0;
            var pods = random.Next(1, 4);
            for (var p = 0; p < pods; p++)
            {
                var pod = $"pod-{p}";
                var state = new PodState().Observe(0.004, 10_000);
                var first = random.Next(0, 3);
                var last = random.Next(first, 8);
                var answered = 0;
                var restarted = false;
                double pending = 0;
                for (var round = first; round <= last; round++)
                {
                    if (round > first)
                    {
                        if (!restarted && random.NextDouble() < 0.1)
                        {
                            // Restarted: counters from zero, well below the 10,000 before, so the fall is seen; what the
                            // old process completed after its last answered scrape died with it (as in Prometheus).
                            state = new PodState();
                            restarted = true;
                            pending = 0;
                        }

                        var latency = Latencies[random.Next(Latencies.Length)];
                        var count = random.Next(0, 900);
                        state.Observe(latency, count);
                        pending += count;
                        slowest = count > 0 ? Math.Max(slowest, latency) : slowest;
                    }

                    if (random.NextDouble() < 0.15)
                    {
                        scrapes.Add(Scrape.TimedOut(pod, PodState.T0.AddSeconds(round * 10), 2000));
                        continue;
                    }

                    scrapes.Add(state.ScrapeAt(pod, round * 10, parser));
                    truth += answered++ > 0 ? pending : 0;
                    pending = 0;
                }
            }

            var window = WindowBuilder.Build(scrapes, new WindowOptions { LatencyObjectiveMs = 50 });

            Assert.Equal(truth, window.Requests);
            Assert.True(window.Rps >= 0 && double.IsFinite(window.Rps));
            Assert.Equal(scrapes.Count(s => s.Outcome == ScrapeOutcome.TimedOut), window.TimedOutScrapes);
            Assert.Equal(window.Scrapes >= 4 && window.PerPod.Any(p => p.HasDeltas), window.IsSufficient);
            if (truth > 0)
            {
                // Linear interpolation never leaves the buckets the observations fell in.
                var top = 1000 * HistogramBuckets.RequestDuration.First(b => b >= slowest);
                Assert.InRange(window.P99Ms, 0, top);
                Assert.InRange(window.P50Ms, 0, top);
                Assert.InRange(window.ShareUnderObjective, 0, 1);
                Assert.True(window.P99Ms >= window.P50Ms);
            }
            else
            {
                Assert.True(double.IsNaN(window.P99Ms));
            }
        }
    }
}
