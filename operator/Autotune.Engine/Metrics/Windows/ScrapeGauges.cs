using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;

namespace Autotune.Engine.Metrics.Windows;

/// <summary>The gauges of one answered scrape, summed over their series (pools, generations, states).</summary>
internal sealed class ScrapeGauges
{
    private static readonly int RoleCount = Enum.GetValues<MetricRole>().Length;
    private readonly double[] values = new double[RoleCount];

    public ScrapeGauges() => Reset();

    public void Reset() => Array.Fill(values, double.NaN);

    /// <summary>The summed value of a gauge role in this scrape; NaN when the scrape had no such series.</summary>
    public double this[MetricRole role] => values[(int)role];

    public void Add(MetricRole role, Sample sample)
    {
        if (double.IsNaN(sample.Value))
        {
            return;
        }

        if (role == MetricRole.PoolConnections &&
            !string.Equals(sample.Series.Get(MetricLabels.ConnectionState), MetricLabels.StateUsed, StringComparison.Ordinal))
        {
            return;
        }

        ref var slot = ref values[(int)role];
        if (role is MetricRole.AppliedGeneration or MetricRole.AppliedMinThreads or MetricRole.AppliedPoolSize or MetricRole.BoundedPoolSwap or MetricRole.CpuCount
            or MetricRole.CgroupCpuLimit or MetricRole.QueueDelay)
        {
            // One value per process; should an exporter write it twice, the highest is the applied one (the longest delay).
            slot = double.IsNaN(slot) ? sample.Value : Math.Max(slot, sample.Value);
        }
        else
        {
            slot = double.IsNaN(slot) ? sample.Value : slot + sample.Value;
        }
    }

    /// <summary>used / max pooled connections in this scrape, summed over pools; NaN without a positive max.</summary>
    public double PoolUsage
    {
        get
        {
            var max = this[MetricRole.PoolMax];
            if (!(max > 0))
            {
                return double.NaN;
            }

            var used = this[MetricRole.PoolConnections];
            return (double.IsNaN(used) ? 0 : used) / max;
        }
    }

    /// <summary>Pooled connections in use in this scrape, summed over pools; NaN when no pool reports a positive max.</summary>
    public double PoolInUse
    {
        get
        {
            var used = this[MetricRole.PoolConnections];
            return this[MetricRole.PoolMax] > 0 ? (double.IsNaN(used) ? 0 : used) : double.NaN;
        }
    }
}
