using System.Diagnostics;
using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Control;
using Autotune.Simulation.Metrics;
using Autotune.Simulation.Model;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Runner;

/// <summary>
/// Drives a scenario with a controller: the world ticks, pods are scraped as often as the specs ask (window over scrapes
/// per window, the shortest of any spec: 10 s for 60 s windows of 6) with the scenario's faults, the controller is
/// asked at its period and its changes are applied the way the operator applies them (a new tuning generation the pods
/// take after a delay, replicas that start after their start-up time, max_connections through
/// ALTER SYSTEM and, when the policy allows, a restart). Every minute is judged on what really happened.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>Runs <paramref name="scenario"/> under <paramref name="controller"/>; stops early when more than <paramref name="maxMinutesOver"/> minutes miss.</summary>
    public static RunResult Run(Scenario scenario, IController controller, int seed = 1, int maxMinutesOver = int.MaxValue, int warmupMinutes = 0)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(controller);
        var watch = Stopwatch.StartNew();
        var cluster = scenario.Build(seed);
        var noise = new Random(seed ^ 0x5eed);
        var apiCount = cluster.Apis.Count;
        var windowSeconds = scenario.Specs.Max(ScenarioSpecs.WindowSeconds);
        var scrapeInterval = scenario.Specs.Min(ScenarioSpecs.ScrapeIntervalSeconds);
        var scrapes = Enumerable.Range(0, apiCount).Select(_ => new List<ScrapeResult>()).ToList();
        var minutes = Enumerable.Range(0, apiCount).Select(_ => new List<MinuteRecord>()).ToList();
        var changes = new List<AppliedChange>();
        var nextScrape = 0.0;
        var nextControl = 0.0;
        var nextMinute = 60.0;
        var over = 0;

        while (cluster.Now < scenario.DurationSeconds - 1e-6)
        {
            var now = cluster.Now;
            if (now >= nextScrape - 1e-6)
            {
                nextScrape += scrapeInterval;
                if (controller.ReadsScrapes)
                {
                    ScrapeAll(scenario, cluster, scrapes, noise, windowSeconds);
                }
            }

            if (now >= nextControl - 1e-6)
            {
                nextControl += controller.PeriodSeconds;
                var context = new ControlContext(now, scenario, cluster, scrapes);
                foreach (var change in controller.Control(context))
                {
                    Apply(scenario, cluster, change, changes);
                }
            }

            cluster.Step();
            if (cluster.Now >= nextMinute - 1e-6)
            {
                var minute = (int)Math.Round(nextMinute / 60) - 1;
                nextMinute += 60;
                var anyOver = false;
                for (var i = 0; i < apiCount; i++)
                {
                    var record = Judge(scenario, cluster, i, minute);
                    minutes[i].Add(record);
                    anyOver |= !record.Met;
                }

                if (anyOver && minute >= warmupMinutes && ++over > maxMinutesOver)
                {
                    break;
                }
            }
        }

        return new RunResult
        {
            Scenario = scenario.Name,
            Controller = controller.Name,
            Minutes = minutes,
            Changes = changes,
            WallMs = watch.Elapsed.TotalMilliseconds,
        };
    }

    private static void ScrapeAll(Scenario scenario, SimulatedCluster cluster, List<List<ScrapeResult>> scrapes, Random noise, double windowSeconds)
    {
        var now = cluster.Now;
        var faults = scenario.Faults;
        Func<double, double>? gaugeNoise = faults.GaugeNoise > 0 ? v => v * Math.Max(0, 1 + (faults.GaugeNoise * Gaussian(noise))) : null;
        for (var i = 0; i < cluster.Apis.Count; i++)
        {
            var list = scrapes[i];
            list.RemoveAll(s => s.Time < now - windowSeconds - 1e-6);
            foreach (var pod in cluster.Apis[i].ReadyPods(now))
            {
                var lost = faults.InOutage(now) || (faults.ScrapeLossProbability > 0 && noise.NextDouble() < faults.ScrapeLossProbability);
                var latency = pod.ScrapeLatencyMs * (gaugeNoise is null ? 1 : Math.Max(0.2, 1 + (0.3 * Gaussian(noise))));
                list.Add(new ScrapeResult(pod.Name, now, lost ? null : PrometheusTextWriter.Render(pod, gaugeNoise), latency));
            }
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void Apply(Scenario scenario, SimulatedCluster cluster, KnobChange change, List<AppliedChange> changes)
    {
        var api = cluster.Apis[change.ApiIndex];
        var now = cluster.Now;
        var from = BudgetCheck.Value(cluster, change.ApiIndex, change.Knob);
        if (from == change.Value)
        {
            return;
        }

        var excessBefore = BudgetCheck.Excess(scenario, cluster);
        var outsideBefore = BudgetCheck.OutsideBudget(scenario, cluster, change.ApiIndex);
        switch (change.Knob)
        {
            case Knob.Replicas:
                api.SetReplicas(change.Value, now);
                break;
            case Knob.ThreadPoolMinThreads:
                api.SetTuning(change.Value, api.Tuning.PoolSize, now, cluster.Random, change.ShedAfterMs);
                break;
            case Knob.DbMaxPoolSize:
                api.SetTuning(api.Tuning.MinThreads, change.Value, now, cluster.Random, change.ShedAfterMs);
                break;
            case Knob.PostgresMaxConnections:
                var restart = change.Restart ?? scenario.Specs[change.ApiIndex].Postgres?.Restart == RestartPolicy.Immediate;
                cluster.Database.SetMaxConnections(change.Value, restart, now);
                break;
        }

        var violation = BudgetCheck.Excess(scenario, cluster) > excessBefore
            || (!outsideBefore && BudgetCheck.OutsideBudget(scenario, cluster, change.ApiIndex));
        changes.Add(new AppliedChange(now, api.Name, change.Knob, from, change.Value, change.Reason, violation));
    }

    private static MinuteRecord Judge(Scenario scenario, SimulatedCluster cluster, int index, int minute)
    {
        var api = cluster.Apis[index];
        var truth = api.Truth;
        var p99 = truth.Latency.Count > 0 ? 1000 * truth.Latency.Quantile(0.99) : double.NaN;
        var errors = truth.Arrived > 0 ? truth.Failed / truth.Arrived : 0;
        var objective = scenario.Specs[index].Objectives.P99LatencyMs;
        var record = new MinuteRecord
        {
            Minute = minute,
            OfferedRps = truth.Arrived / 60,
            P99Ms = p99,
            ErrorRate = errors,
            Met = (double.IsNaN(p99) || p99 <= objective) && errors <= 0.01,
            Replicas = api.Replicas,
            MinThreads = api.Tuning.MinThreads,
            PoolSize = api.Tuning.PoolSize,
            MaxConnections = cluster.Database.MaxConnections,
            OpenConnections = api.Pods.Sum(p => p.Connections),
        };
        truth.Reset();
        return record;
    }
}
