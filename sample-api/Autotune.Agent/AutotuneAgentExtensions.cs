using System.Data.Common;
using System.Globalization;
using Autotune.Agent.Data;
using Autotune.Agent.Metrics;
using Autotune.Agent.Shedding;
using Autotune.Agent.Tuning;
using Autotune.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace Autotune.Agent;

/// <summary>Adds the Autotune agent to an application.</summary>
public static class AutotuneAgentExtensions
{
    /// <summary>
    /// Registers the agent: <see cref="ITunedDataSource"/>, <see cref="IAutotuneAgent"/>, the tuning-file watcher
    /// and the metrics listener (both on their own threads, started with the host). Defaults come from configuration
    /// (<c>ConnectionStrings:Postgres</c>, <c>AUTOTUNE_TUNING_FILE</c>, <c>AUTOTUNE_METRICS_PORT</c>,
    /// <c>AUTOTUNE_METRICS_ADDRESS</c>, <c>AUTOTUNE_SHED_AFTER_MS</c>); <paramref name="configure"/> runs after them.
    /// </summary>
    public static IHostApplicationBuilder AddAutotuneAgent(this IHostApplicationBuilder builder, Action<AutotuneAgentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(AutotuneAgent)))
        {
            throw new InvalidOperationException("AddAutotuneAgent was already called for this application.");
        }

        var options = DefaultOptions(builder.Configuration);
        configure?.Invoke(options);
        options.ConnectionString ??= builder.Configuration.GetConnectionString(options.ConnectionStringName);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AgentMetrics>();
        services.AddSingleton<AgentMetricReader>();
        // An app that configured OpenTelemetry metrics gets the agent's meters, views and reader in its own meter
        // provider (one pipeline); this runs only when that provider is built.
        services.ConfigureOpenTelemetryMeterProvider(provider => provider
            .AddAutotuneMeters(options)
            .AddReader(sp => sp.GetRequiredService<AgentMetricReader>().Reader));
        services.AddSingleton(sp => new MetricsCollector(options, sp.GetRequiredService<AgentMetricReader>(), sp.GetService<MeterProvider>()));
        services.AddSingleton<PhysicalConnectionCounter>();
        services.AddSingleton(sp =>
        {
            var dataSource = ActivatorUtilities.CreateInstance<TunedDataSource>(sp);
            var counter = sp.GetRequiredService<PhysicalConnectionCounter>();
            sp.GetRequiredService<AgentMetrics>().PhysicalConnectionSource = () => counter.Count(dataSource.LivePoolNames);
            return dataSource;
        });
        services.AddSingleton<ITunedDataSource>(sp => sp.GetRequiredService<TunedDataSource>());
        // TryAdd: an app that registered its own DbDataSource keeps it, and reaches the tuned one through ITunedDataSource.
        services.TryAddSingleton<DbDataSource>(sp => sp.GetRequiredService<TunedDataSource>().DbDataSource);
        services.AddSingleton(sp => new ThreadPoolQueueDelay(sp.GetRequiredService<AutotuneAgentOptions>().QueueDelayProbeInterval));
        services.AddSingleton<ShedDeadline>();
        services.AddSingleton<SheddingMetrics>();
        services.AddSingleton<CpuMetrics>();
        services.AddSingleton<TuningApplier>();
        services.AddSingleton<TuningFileWatcher>();
        services.AddSingleton<AutotuneAgent>();
        services.AddSingleton<IAutotuneAgent>(sp => sp.GetRequiredService<AutotuneAgent>());
        services.AddHostedService(sp => sp.GetRequiredService<AutotuneAgent>());
        services.AddHostedService<SignalProbes>();
        return builder;
    }

    internal static AutotuneAgentOptions DefaultOptions(IConfiguration configuration)
    {
        var options = new AutotuneAgentOptions
        {
            TuningFilePath = configuration[AgentEnvironment.TuningFile],
        };
        if (configuration[AgentEnvironment.MetricsPort] is { Length: > 0 } port)
        {
            options.MetricsPort = int.TryParse(port, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 65535
                ? parsed
                : throw new InvalidOperationException($"{AgentEnvironment.MetricsPort} must be a port number from 0 to 65535, was '{port}'");
        }

        if (configuration[AgentEnvironment.ShedAfterMilliseconds] is { Length: > 0 } shedAfter)
        {
            options.ShedAfter = int.TryParse(shedAfter, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms >= 0
                ? (ms == 0 ? null : TimeSpan.FromMilliseconds(ms))
                : throw new InvalidOperationException($"{AgentEnvironment.ShedAfterMilliseconds} must be a whole number of milliseconds (0: off), was '{shedAfter}'");
        }

        if (configuration[AgentEnvironment.MetricsAddress] is { Length: > 0 } address)
        {
            options.MetricsAddress = address;
        }

        return options;
    }
}
