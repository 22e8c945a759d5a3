using System.Text.Json;
using System.Text.RegularExpressions;
using Autotune.Contracts;
using Autotune.Testing;
using Xunit;

namespace Autotune.Charts.Tests;

public sealed partial class MonitoringTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every series name a rule or panel may read: the agent's contract (histograms with their suffixes), the operator's, and up.</summary>
    private static readonly HashSet<string> KnownSeries = [.. MetricNames.All
        .SelectMany(m => m.Kind == MetricKind.Histogram
            ? new[] { m.Prometheus + "_bucket", m.Prometheus + "_sum", m.Prometheus + "_count" }
            : [m.Prometheus])
        .Concat(OperatorMetrics.All)
        .Concat([OperatorMetrics.ReconcileDuration + "_bucket", OperatorMetrics.ReconcileDuration + "_sum", OperatorMetrics.ReconcileDuration + "_count", "up"])];

    [Fact]
    public async Task The_prometheus_rule_has_every_alert_the_operator_needs()
    {
        var rule = StrictManifests.Parse<PrometheusRule>((await Rendered.OfAsync("monitoring")).Single("PrometheusRule"));

        Assert.Equal(
            [
                "AutotuneBudgetExhausted", "AutotuneConnectionPoolExhausted", "AutotuneControllerDown", "AutotuneLoopsFailing", "AutotuneOperatorDown",
                "AutotuneOperatorNotReconciling", "AutotunePendingRestart", "AutotuneStatusWritesTimingOut", "AutotuneThreadPoolQueueRisingFast", "AutotuneWatchesFailing",
            ],
            rule.Spec.Groups.SelectMany(g => g.Rules).Select(r => r.Alert!).Order());
        Assert.All(rule.Spec.Groups.SelectMany(g => g.Rules), r =>
        {
            Assert.True(r.Labels?.ContainsKey("severity"), r.Alert);
            Assert.True(r.Annotations?.ContainsKey("summary"), r.Alert);
            Assert.NotNull(r.For);
        });
        Assert.Empty((await Rendered.OfAsync("default")).OfKind("PrometheusRule"));
        Assert.Empty((await Rendered.OfAsync("default")).OfKind("ServiceMonitor"));
    }

    [Theory]
    [InlineData("monitoring")]
    [InlineData("everything")]
    public async Task Promtool_accepts_the_rendered_rules(string name)
    {
        var rule = (await Rendered.OfAsync(name)).Single("PrometheusRule");
        var file = Path.Combine(Path.GetTempPath(), $"autotune-rules-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, RulesFile(rule), Ct);
        try
        {
            var output = await ProcessRunner.RunAsync(Binaries.Require("promtool", "prometheus"), ["check", "rules", file], cancellationToken: Ct);

            Assert.Contains("SUCCESS: 10 rules found", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Rules_and_dashboard_read_only_series_that_exist()
    {
        var rendered = await Rendered.OfAsync("monitoring");
        var rule = StrictManifests.Parse<PrometheusRule>(rendered.Single("PrometheusRule"));
        var dashboard = StrictManifests.Parse<k8s.Models.V1ConfigMap>(rendered.Single("ConfigMap")).Data["autotune.json"];
        var expressions = rule.Spec.Groups.SelectMany(g => g.Rules).Select(r => r.Expr)
            .Concat(JsonDocument.Parse(dashboard).RootElement.GetProperty("panels").EnumerateArray()
                .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!))
            .ToList();

        var names = expressions.SelectMany(e => SeriesName().Matches(e).Select(m => m.Value)).Distinct().ToList();

        Assert.Contains(OperatorMetrics.Condition, names);
        Assert.Contains(MetricNames.PoolPendingRequests.Prometheus, names);
        Assert.Contains(MetricNames.ThreadPoolQueueLength.Prometheus, names);
        Assert.Contains(MetricNames.RequestDuration.Prometheus + "_bucket", names);
        Assert.Contains(MetricNames.PoolWaitTime.Prometheus + "_bucket", names);
        Assert.Contains(OperatorMetrics.Decisions, names);
        var unknown = names.Where(n => !KnownSeries.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, "unknown series: " + string.Join(", ", unknown));
    }

    [Fact]
    public async Task The_service_monitor_scrapes_the_metrics_service_port()
    {
        var rendered = await Rendered.OfAsync("monitoring");
        var monitor = StrictManifests.Parse<ServiceMonitor>(rendered.Single("ServiceMonitor"));
        var service = StrictManifests.Parse<k8s.Models.V1Service>(rendered.Single("Service"));

        var endpoint = Assert.Single(monitor.Spec.Endpoints);
        Assert.Equal(("http-metrics", "/metrics"), (endpoint.Port, endpoint.Path));
        Assert.True(endpoint.HonorLabels); // the operator's namespace label names the ApiTuning's namespace, not the pod's
        Assert.Contains(service.Spec.Ports, p => p.Name == endpoint.Port);
        Assert.All(monitor.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, service.Metadata.Labels[l.Key]));
        Assert.Equal(["autotune-system"], monitor.Spec.NamespaceSelector!.MatchNames);
    }

    /// <summary>The PrometheusRule's spec as a Prometheus rules file (the groups are the same shape).</summary>
    internal static string RulesFile(RenderedDocument rule)
    {
        var spec = Yaml.Node(rule.Root, "spec")!;
        var stream = new YamlDotNet.RepresentationModel.YamlStream(new YamlDotNet.RepresentationModel.YamlDocument(spec));
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    [GeneratedRegex(@"\b(?:autotune|dotnet|db_client|http_server|kestrel)_[a-z_]+\b|\bup\b(?=\{)")]
    private static partial Regex SeriesName();
}
