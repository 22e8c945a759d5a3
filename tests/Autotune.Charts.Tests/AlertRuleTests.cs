using Autotune.Testing;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Autotune.Charts.Tests;

/// <summary>
/// The rendered alerts evaluated by promtool's rule unit tests over synthetic series: each fires on the situation it
/// names, with the labels the notification needs, and stays quiet otherwise. (Annotations are left out here; promtool
/// check rules validates their templates.)
/// </summary>
public sealed class AlertRuleTests
{
    private const string Job = "autotune-metrics";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_alerts_fire_on_their_conditions_only()
    {
        await RunAsync($$"""
            - interval: 1m
              input_series:
                - series: 'autotune_condition{job="{{Job}}",namespace="shop",name="orders",type="BudgetExhausted"}'
                  values: '1x40'
                - series: 'autotune_condition{job="{{Job}}",namespace="shop",name="orders",type="PendingRestart"}'
                  values: '0x10 1x40'
                - series: 'autotune_condition{job="{{Job}}",namespace="web",name="cart",type="BudgetExhausted"}'
                  values: '0x40'
              alert_rule_test:
                - eval_time: 10m
                  alertname: AutotuneBudgetExhausted
                  exp_alerts: []
                - eval_time: 20m
                  alertname: AutotuneBudgetExhausted
                  exp_alerts:
                    - exp_labels: { severity: warning, namespace: shop, name: orders }
                - eval_time: 30m
                  alertname: AutotunePendingRestart
                  exp_alerts: []
                - eval_time: 45m
                  alertname: AutotunePendingRestart
                  exp_alerts:
                    - exp_labels: { severity: warning, namespace: shop, name: orders }
            - interval: 1m
              input_series:
                - series: 'up{job="{{Job}}",pod="autotune-0"}'
                  values: '1x5 0x20'
              alert_rule_test:
                - eval_time: 5m
                  alertname: AutotuneOperatorDown
                  exp_alerts: []
                - eval_time: 15m
                  alertname: AutotuneOperatorDown
                  exp_alerts:
                    - exp_labels: { severity: critical }
            - interval: 1m
              input_series:
                - series: 'autotune_reconciles_total{job="{{Job}}",result="held"}'
                  values: '0+1x10 10x40'
                - series: 'autotune_reconciles_total{job="{{Job}}",result="error"}'
                  values: '0x10 1+1x40'
                - series: 'autotune_knob_value{job="{{Job}}",namespace="shop",name="orders",knob="replicas"}'
                  values: '3x50'
              alert_rule_test:
                - eval_time: 12m
                  alertname: AutotuneOperatorNotReconciling
                  exp_alerts: []
                - eval_time: 35m
                  alertname: AutotuneOperatorNotReconciling
                  exp_alerts:
                    - exp_labels: { severity: critical }
            - interval: 1m
              input_series:
                - series: 'autotune_reconciles_total{job="{{Job}}",result="held"}'
                  values: '0x50'
              alert_rule_test:
                - eval_time: 40m
                  alertname: AutotuneOperatorNotReconciling
                  exp_alerts: []
            """);
    }

    [Fact]
    public async Task Supervision_alerts_fire_on_a_part_down_for_minutes_and_on_rising_failures_only()
    {
        await RunAsync($$"""
            - interval: 1m
              input_series:
                # Down for 2 minutes (a restart), up, then down for good from minute 10.
                - series: 'autotune_controller_down{job="{{Job}}",pod="autotune-0"}'
                  values: '0 1 1 0x7 1x30'
                - series: 'autotune_controller_down{job="{{Job}}",pod="autotune-1"}'
                  values: '0x40'
              alert_rule_test:
                - eval_time: 8m
                  alertname: AutotuneControllerDown
                  exp_alerts: []
                - eval_time: 13m
                  alertname: AutotuneControllerDown
                  exp_alerts: []
                - eval_time: 20m
                  alertname: AutotuneControllerDown
                  exp_alerts:
                    - exp_labels: { severity: critical, pod: autotune-0 }
            - interval: 1m
              input_series:
                # The pods watch fails twice a minute from minute 10; the deployments watch once in all.
                - series: 'autotune_watch_failures_total{job="{{Job}}",collection="pods",cause="api"}'
                  values: '0x10 2+2x50'
                - series: 'autotune_watch_failures_total{job="{{Job}}",collection="deployments",cause="api"}'
                  values: '0x5 1x55'
                # A worker failed once at minute 20, a controller loop never.
                - series: 'autotune_loop_failures_total{job="{{Job}}",loop="worker"}'
                  values: '0x20 1x40'
                - series: 'autotune_loop_failures_total{job="{{Job}}",loop="controller"}'
                  values: '0x60'
                # Status writes time out throughout from minute 10; Events only once.
                - series: 'autotune_status_write_timeouts_total{job="{{Job}}",kind="status"}'
                  values: '0x10 1+1x50'
                - series: 'autotune_status_write_timeouts_total{job="{{Job}}",kind="event"}'
                  values: '0x5 1x55'
              alert_rule_test:
                - eval_time: 9m
                  alertname: AutotuneWatchesFailing
                  exp_alerts: []
                - eval_time: 40m
                  alertname: AutotuneWatchesFailing
                  exp_alerts:
                    - exp_labels: { severity: warning, collection: pods, cause: api }
                - eval_time: 19m
                  alertname: AutotuneLoopsFailing
                  exp_alerts: []
                - eval_time: 28m
                  alertname: AutotuneLoopsFailing
                  exp_alerts:
                    - exp_labels: { severity: warning, loop: worker }
                - eval_time: 55m
                  alertname: AutotuneLoopsFailing
                  exp_alerts: []
                - eval_time: 9m
                  alertname: AutotuneStatusWritesTimingOut
                  exp_alerts: []
                - eval_time: 40m
                  alertname: AutotuneStatusWritesTimingOut
                  exp_alerts:
                    - exp_labels: { severity: warning }
            """);
    }

    [Fact]
    public async Task Workload_alerts_fire_on_a_fast_growing_queue_and_a_sustained_pool_wait()
    {
        await RunAsync("""
            - interval: 1m
              input_series:
                - series: 'dotnet_thread_pool_queue_length_total{namespace="shop",pod="orders-1"}'
                  values: '0x5 0+6000x20'
                - series: 'dotnet_thread_pool_queue_length_total{namespace="shop",pod="orders-2"}'
                  values: '0+60x25'
                - series: 'db_client_connection_npgsql_pending_requests{namespace="shop",pod="orders-1",db_client_connection_pool_name="g1"}'
                  values: '0x5 3x20'
                - series: 'db_client_connection_npgsql_pending_requests{namespace="shop",pod="orders-2",db_client_connection_pool_name="g1"}'
                  values: '2 0 2 0 2 0 2 0 2 0 2 0 2 0 2 0 2 0 2 0 2 0 2 0 2'
              alert_rule_test:
                - eval_time: 8m
                  alertname: AutotuneThreadPoolQueueRisingFast
                  exp_alerts: []
                - eval_time: 20m
                  alertname: AutotuneThreadPoolQueueRisingFast
                  exp_alerts:
                    - exp_labels: { severity: warning, namespace: shop, pod: orders-1 }
                - eval_time: 10m
                  alertname: AutotuneConnectionPoolExhausted
                  exp_alerts: []
                - eval_time: 20m
                  alertname: AutotuneConnectionPoolExhausted
                  exp_alerts:
                    - exp_labels: { severity: warning, namespace: shop, pod: orders-1 }
            """);
    }

    [Fact]
    public async Task A_wrong_expectation_fails_so_these_checks_can_fail()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => RunAsync("""
            - interval: 1m
              input_series:
                - series: 'autotune_condition{job="autotune-metrics",namespace="shop",name="orders",type="BudgetExhausted"}'
                  values: '0x40'
              alert_rule_test:
                - eval_time: 30m
                  alertname: AutotuneBudgetExhausted
                  exp_alerts:
                    - exp_labels: { severity: warning, namespace: shop, name: orders }
            """));

        Assert.Contains("AutotuneBudgetExhausted", e.Message, StringComparison.Ordinal);
    }

    private static async Task RunAsync(string tests)
    {
        var rule = (await Rendered.OfAsync("monitoring")).Single("PrometheusRule");
        var dir = Directory.CreateTempSubdirectory("autotune-alerts-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "rules.yaml"), WithoutAnnotations(MonitoringTests.RulesFile(rule)), Ct);
            var indented = string.Join('\n', tests.Split('\n').Select(l => "  " + l));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "test.yaml"), $"rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n{indented}\n", Ct);

            await ProcessRunner.RunAsync(Binaries.Require("promtool", "prometheus"), ["test", "rules", Path.Combine(dir.FullName, "test.yaml")], cancellationToken: Ct);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string WithoutAnnotations(string rulesFile)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(rulesFile));
        foreach (var rule in Yaml.Sequence(stream.Documents[0].RootNode, "groups").SelectMany(g => Yaml.Sequence(g, "rules")).OfType<YamlMappingNode>())
        {
            rule.Children.Remove(new YamlScalarNode("annotations"));
        }

        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
