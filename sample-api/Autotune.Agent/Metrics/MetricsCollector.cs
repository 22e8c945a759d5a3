using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Autotune.Agent.Metrics;

/// <summary>
/// Where the agent's metrics are collected from: the app's own OpenTelemetry meter provider when the app configured
/// one (the agent's meters, views and reader were added to it: one pipeline, each instrument measured once), else a
/// meter provider of the agent's own with the agent's reader as its only reader.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly AgentMetricReader _reader;
    private readonly MeterProvider? _ownProvider;

    public MetricsCollector(AutotuneAgentOptions options, AgentMetricReader reader, MeterProvider? appProvider)
    {
        _reader = reader;
        UsesAppProvider = appProvider is not null;
        if (appProvider is null)
        {
            _ownProvider = Sdk.CreateMeterProviderBuilder()
                .AddAutotuneMeters(options)
                .AddReader(reader.Reader)
                .Build();
        }
    }

    /// <summary>True when the app's meter provider serves the agent's reader (the agent built none of its own).</summary>
    public bool UsesAppProvider { get; }

    /// <summary>Collects every metric now and returns the Prometheus text.</summary>
    public string Collect() => _reader.Collect();

    public void Dispose()
    {
        // The app's provider is the app's to dispose; the reader goes with whichever provider holds it.
        _ownProvider?.Dispose();
    }
}
