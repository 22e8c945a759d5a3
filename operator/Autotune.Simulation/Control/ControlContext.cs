using Autotune.Engine.Decisions.Model;
using Autotune.Simulation.Metrics;
using Autotune.Simulation.Model;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Control;

/// <summary>What a controller sees when it is asked to act: the time, the world (baselines read it directly, like metrics-server) and the recent scrapes.</summary>
public sealed class ControlContext
{
    /// <summary>A context for one call.</summary>
    public ControlContext(double now, Scenario scenario, SimulatedCluster cluster, IReadOnlyList<IReadOnlyList<ScrapeResult>> scrapes)
    {
        Now = now;
        Scenario = scenario;
        Cluster = cluster;
        Scrapes = scrapes;
    }

    /// <summary>Simulated seconds since the start.</summary>
    public double Now { get; }

    /// <summary>The scenario.</summary>
    public Scenario Scenario { get; }

    /// <summary>The simulated world.</summary>
    public SimulatedCluster Cluster { get; }

    /// <summary>Per API, the scrapes of its ready pods over the last window, oldest first.</summary>
    public IReadOnlyList<IReadOnlyList<ScrapeResult>> Scrapes { get; }

    /// <summary>The settings of API <paramref name="index"/> as the operator would read them (replicas, published tuning, SHOW max_connections).</summary>
    public Settings CurrentSettings(int index)
    {
        var api = Cluster.Apis[index];
        return new Settings(api.Replicas, api.Tuning.MinThreads, api.Tuning.PoolSize, Cluster.Database.MaxConnections);
    }
}
