using Autotune.Contracts;
using OpenTelemetry.Metrics;

namespace Autotune.Agent.Metrics;

/// <summary>The meters and views the agent needs in whichever meter provider serves it.</summary>
internal static class AutotuneMeterProviderBuilderExtensions
{
    public static MeterProviderBuilder AddAutotuneMeters(this MeterProviderBuilder builder, AutotuneAgentOptions options) => builder
        .AddMeter(
            MetricNames.AspNetCoreHostingMeter,
            MetricNames.KestrelMeter,
            MetricNames.RuntimeMeter,
            MetricNames.NpgsqlMeter,
            MetricNames.AgentMeter)
        .AddMeter([.. options.AdditionalMeters])
        .AddView(MetricNames.RequestDuration.Instrument, new ExplicitBucketHistogramConfiguration { Boundaries = [.. Contracts.HistogramBuckets.RequestDuration] })
        .AddView(MetricNames.PoolWaitTime.Instrument, new ExplicitBucketHistogramConfiguration { Boundaries = [.. Contracts.HistogramBuckets.Connection] })
        .AddView(MetricNames.PoolUseTime.Instrument, new ExplicitBucketHistogramConfiguration { Boundaries = [.. Contracts.HistogramBuckets.Connection] });
}
