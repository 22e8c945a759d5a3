using Autotune.Contracts;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Autotune.Agent.Metrics;

/// <summary>
/// An OpenTelemetry meter provider whose only reader is collected on demand, on the calling thread: observable
/// callbacks run and the snapshot is serialised synchronously, with no thread-pool work, so a dedicated thread can
/// answer a scrape while the pool is starved.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly PullExporter _exporter = new();
    private readonly BaseExportingMetricReader _reader;
    private readonly MeterProvider _provider;
    private readonly Lock _gate = new();

    public MetricsCollector(IEnumerable<string> additionalMeters)
    {
        _reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(
                MetricNames.AspNetCoreHostingMeter,
                MetricNames.KestrelMeter,
                MetricNames.RuntimeMeter,
                MetricNames.NpgsqlMeter,
                MetricNames.AgentMeter)
            .AddMeter([.. additionalMeters])
            .AddView(MetricNames.RequestDuration.Instrument, new ExplicitBucketHistogramConfiguration { Boundaries = [.. Contracts.HistogramBuckets.RequestDuration] })
            .AddView(MetricNames.PoolWaitTime.Instrument, new ExplicitBucketHistogramConfiguration { Boundaries = [.. Contracts.HistogramBuckets.Connection] })
            .AddView(MetricNames.PoolUseTime.Instrument, new ExplicitBucketHistogramConfiguration { Boundaries = [.. Contracts.HistogramBuckets.Connection] })
            .AddReader(_reader);
        _provider = builder.Build();
    }

    /// <summary>Collects every metric now and returns the Prometheus text.</summary>
    public string Collect()
    {
        lock (_gate)
        {
            var writer = new PrometheusTextWriter();
            _exporter.Target = writer;
            try
            {
                _reader.Collect();
            }
            finally
            {
                _exporter.Target = null;
            }

            return writer.ToString();
        }
    }

    public void Dispose()
    {
        _provider.Dispose();
        _exporter.Dispose();
    }

    private sealed class PullExporter : BaseExporter<Metric>
    {
        public PrometheusTextWriter? Target { get; set; }

        public override ExportResult Export(in Batch<Metric> batch)
        {
            if (Target is not { } writer)
            {
                return ExportResult.Failure;
            }

            foreach (var metric in batch)
            {
                OpenTelemetryToPrometheus.Write(metric, writer);
            }

            return ExportResult.Success;
        }
    }
}
