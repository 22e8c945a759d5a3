using System.Reflection;
using System.Text.RegularExpressions;
using Autotune.Contracts;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes.Controller;
using Prometheus;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>
/// Every series the chart's PrometheusRule reads exists: the operator's in <see cref="OperatorMetrics"/> with the
/// labels the rule matches and groups by (and the label values it matches among those the operator writes), the
/// agent's in the contract (<see cref="MetricNames"/>).
/// </summary>
public sealed partial class OperatorMetricsRuleTests
{
    private static readonly string[] TargetLabels = ["job", "instance", "namespace", "pod", "service", "container", "endpoint"];

    [Fact]
    public void Every_operator_series_the_PrometheusRule_reads_is_registered_with_its_labels()
    {
        var registered = Registered();
        var expressions = RuleExpressions();
        var operatorSeries = 0;

        foreach (var expr in expressions)
        {
            foreach (Match selector in Selector().Matches(expr))
            {
                var name = selector.Groups["name"].Value;
                var matchers = Matcher().Matches(selector.Groups["matchers"].Value).Select(m => (Label: m.Groups["label"].Value, Op: m.Groups["op"].Value, Value: m.Groups["value"].Value)).ToList();
                if (MetricNames.All.Any(m => m.Prometheus == name) || name == "up")
                {
                    continue; // The agent's series (the contract), or Prometheus's own.
                }

                operatorSeries++;
                Assert.True(registered.TryGetValue(name, out var labels), $"the rule reads {name}, which OperatorMetrics does not export (it exports {string.Join(", ", registered.Keys)})");
                foreach (var (label, op, value) in matchers.Where(m => m.Label != "job"))
                {
                    Assert.Contains(label, labels);
                    if (op == "=" && KnownValues(label) is { } known)
                    {
                        Assert.True(known.Contains(value), $"{name}{{{label}=\"{value}\"}}: the operator writes {label} as one of {string.Join(", ", known)}");
                    }
                    else if (op == "=~" && KnownValues(label) is { } alternatives)
                    {
                        Assert.All(value.Split('|'), v => Assert.Contains(v, alternatives));
                    }
                }

                foreach (var by in By().Matches(expr).SelectMany(m => m.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries)))
                {
                    // Prometheus adds the scrape target's labels (job, pod, ...) to every series: an operator pod's series can be grouped by them.
                    Assert.True(labels.Contains(by) || TargetLabels.Contains(by), $"the rule groups {name} by {by}, a label it does not have ({string.Join(", ", labels)})");
                }
            }
        }

        Assert.True(operatorSeries >= 4, $"only {operatorSeries} operator series found in the rule: the parsing is off");
    }

    [Fact]
    public void The_operator_labels_the_rule_groups_by_are_not_overwritten_by_the_scrape_targets_labels()
    {
        // The operator's namespace label names the ApiTuning's namespace; Prometheus would rename it to
        // exported_namespace (the target's namespace wins) unless the ServiceMonitor honours the scraped labels.
        var monitor = File.ReadAllText(KubeTestCluster.RepoPath("charts", "autotune", "templates", "servicemonitor.yaml"));
        var clashing = Registered().Values.SelectMany(l => l).Intersect(TargetLabels).ToList();

        Assert.NotEmpty(clashing);
        Assert.Contains("honorLabels: true", monitor, StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> RuleExpressions()
    {
        var template = File.ReadAllText(KubeTestCluster.RepoPath("charts", "autotune", "templates", "prometheusrule.yaml"));
        return [.. template.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("expr:", StringComparison.Ordinal))
            .Select(line => Template().Replace(line["expr:".Length..], string.Empty))];
    }

    /// <summary>Each metric OperatorMetrics registers, with its label names (a histogram's series by their suffixes too).</summary>
    private static Dictionary<string, HashSet<string>> Registered()
    {
        var metrics = new OperatorMetrics();
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var property in typeof(OperatorMetrics).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => typeof(Collector).IsAssignableFrom(p.PropertyType)))
        {
            var collector = (Collector)property.GetValue(metrics)!;
            var labels = collector.LabelNames.ToHashSet(StringComparer.Ordinal);
            result[collector.Name] = labels;
            if (collector is Histogram)
            {
                result[collector.Name + "_bucket"] = [.. labels, "le"];
                result[collector.Name + "_sum"] = labels;
                result[collector.Name + "_count"] = labels;
            }
        }

        return result;
    }

    /// <summary>The values the operator writes for a label, where they are a closed set.</summary>
    private static HashSet<string>? KnownValues(string label) => label switch
    {
        "type" => Constants(typeof(ConditionTypes)),
        "result" => Constants(typeof(ReconcileResult)),
        _ => null,
    };

    private static HashSet<string> Constants(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex Template();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{(?<matchers>[^}]*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(?<op>=~|!=|!~|=)\s*""(?<value>[^""]*)""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\bby\s*\((?<labels>[^)]*)\)")]
    private static partial Regex By();
}
