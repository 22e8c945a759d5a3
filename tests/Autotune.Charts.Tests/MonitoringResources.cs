using k8s;
using k8s.Models;

namespace Autotune.Charts.Tests;

// The Prometheus Operator's resources, with the fields of monitoring.coreos.com/v1 the chart uses (names as in its
// CRDs), so a misspelt or misplaced field fails strict parsing. Properties are set by the YAML deserializer.
#pragma warning disable CA2227 // the deserializer sets collections

/// <summary>monitoring.coreos.com/v1 ServiceMonitor.</summary>
public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    public ServiceMonitorSpec Spec { get; set; } = new();
}

/// <summary>spec of a ServiceMonitor.</summary>
public sealed class ServiceMonitorSpec
{
    public string? JobLabel { get; set; }

    public V1LabelSelector Selector { get; set; } = new();

    public NamespaceSelector? NamespaceSelector { get; set; }

    public IList<MonitorEndpoint> Endpoints { get; set; } = [];
}

/// <summary>namespaceSelector of a ServiceMonitor.</summary>
public sealed class NamespaceSelector
{
    public bool? Any { get; set; }

    public IList<string>? MatchNames { get; set; }
}

/// <summary>One scrape endpoint of a ServiceMonitor.</summary>
public sealed class MonitorEndpoint
{
    public string? Port { get; set; }

    public string? Path { get; set; }

    public string? Interval { get; set; }

    public string? ScrapeTimeout { get; set; }

    public string? Scheme { get; set; }

    /// <summary>Keep the scraped labels on a clash with the target's (the operator's namespace label is the ApiTuning's).</summary>
    public bool? HonorLabels { get; set; }
}

/// <summary>monitoring.coreos.com/v1 PrometheusRule.</summary>
public sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public V1ObjectMeta Metadata { get; set; } = new();

    public PrometheusRuleSpec Spec { get; set; } = new();
}

/// <summary>spec of a PrometheusRule.</summary>
public sealed class PrometheusRuleSpec
{
    public IList<RuleGroup> Groups { get; set; } = [];
}

/// <summary>A rule group.</summary>
public sealed class RuleGroup
{
    public string Name { get; set; } = string.Empty;

    public string? Interval { get; set; }

    public IList<AlertRule> Rules { get; set; } = [];
}

/// <summary>An alerting (or recording) rule.</summary>
public sealed class AlertRule
{
    public string? Alert { get; set; }

    public string? Record { get; set; }

    public string Expr { get; set; } = string.Empty;

    public string? For { get; set; }

    public IDictionary<string, string>? Labels { get; set; }

    public IDictionary<string, string>? Annotations { get; set; }
}
#pragma warning restore CA2227
