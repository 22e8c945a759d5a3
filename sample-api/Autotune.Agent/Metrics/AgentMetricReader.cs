using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Autotune.Agent.Metrics;

/// <summary>
/// The agent's metric reader, collected on demand on the calling thread: observable callbacks run and the snapshot is
/// serialised synchronously, with no thread-pool work, so a dedicated thread can answer a scrape while the pool is
/// starved. It joins the app's meter provider when the app has one, else the agent's own; the provider that holds
/// it disposes it.
/// </summary>
internal sealed class AgentMetricReader
{
    private readonly PullExporter _exporter = new();
    private readonly Lock _gate = new();

    public AgentMetricReader() =>
        Reader = new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };

    /// <summary>The reader to add to a meter provider.</summary>
    public BaseExportingMetricReader Reader { get; }

    /// <summary>Collects every metric the reader sees now and returns the Prometheus text.</summary>
    public string Collect()
    {
        lock (_gate)
        {
            var writer = new PrometheusTextWriter();
            _exporter.Target = writer;
            try
            {
                Reader.Collect();
            }
            finally
            {
                _exporter.Target = null;
            }

            return writer.ToString();
        }
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
