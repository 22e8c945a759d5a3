using System.Globalization;
using OpenTelemetry.Metrics;

namespace Autotune.Agent.Metrics;

/// <summary>Writes one collected OpenTelemetry metric (cumulative temporality) as a Prometheus family.</summary>
internal static class OpenTelemetryToPrometheus
{
    public static void Write(Metric metric, PrometheusTextWriter writer)
    {
        var type = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => PrometheusType.Counter,
            MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic or MetricType.LongGauge or MetricType.DoubleGauge => PrometheusType.Gauge,
            MetricType.Histogram => PrometheusType.Histogram,
            _ => (PrometheusType?)null, // exponential histograms: not configured by the agent
        };
        if (type is not { } prometheusType)
        {
            return;
        }

        var name = PrometheusNaming.MetricName(metric.Name, metric.Unit, prometheusType == PrometheusType.Counter);
        if (writer.Family(name, prometheusType, metric.Description) is not { } family)
        {
            return;
        }

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point);
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    family.Sample(string.Empty, labels, point.GetSumLong());
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    family.Sample(string.Empty, labels, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    family.Sample(string.Empty, labels, point.GetGaugeLastValueLong());
                    break;
                case MetricType.DoubleGauge:
                    family.Sample(string.Empty, labels, point.GetGaugeLastValueDouble());
                    break;
                case MetricType.Histogram:
                    WriteHistogram(family, labels, point);
                    break;
            }
        }
    }

    private static void WriteHistogram(PrometheusFamily family, List<KeyValuePair<string, string>> labels, in MetricPoint point)
    {
        long cumulative = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            var le = double.IsPositiveInfinity(bucket.ExplicitBound)
                ? "+Inf"
                : bucket.ExplicitBound.ToString("R", CultureInfo.InvariantCulture);
            family.Sample("_bucket", labels, cumulative, new KeyValuePair<string, string>("le", le));
        }

        family.Sample("_sum", labels, point.GetHistogramSum());
        family.Sample("_count", labels, point.GetHistogramCount());
    }

    private static List<KeyValuePair<string, string>> Labels(in MetricPoint point)
    {
        var labels = new List<KeyValuePair<string, string>>();
        foreach (var tag in point.Tags)
        {
            var value = tag.Value switch
            {
                null => string.Empty,
                string s => s,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString() ?? string.Empty,
            };
            labels.Add(new(PrometheusNaming.LabelName(tag.Key), value));
        }

        return labels;
    }
}
