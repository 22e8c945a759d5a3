using System.Collections.Concurrent;
using System.Net;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using k8s.Autorest;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

public sealed class ControllerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_spec_the_schema_cannot_refuse_gets_InvalidSpec_naming_the_field_and_nothing_is_touched()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var ports = new FakePorts();
        await using var run = ControllerRun.Start(cluster, ports);

        await cluster.ApplyAsync("orders", """
            {
              "targetRef": { "name": "orders-api" },
              "objectives": { "p99LatencyMs": 250 },
              "metrics": { "source": "Prometheus", "prometheus": { "url": "http://[::1" } }
            }
            """);

        var status = await StatusAsync(cluster, "orders", s => s?.Conditions.Any(c => c.Type == ConditionTypes.InvalidSpec) == true);
        var invalid = status.Conditions.Single(c => c.Type == ConditionTypes.InvalidSpec);
        var ready = status.Conditions.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal(ConditionStatus.True, invalid.Status);
        Assert.Contains("spec.metrics.prometheus.url", invalid.Message, StringComparison.Ordinal);
        Assert.Equal((ConditionStatus.False, "InvalidSpec"), (ready.Status, ready.Reason));
        Assert.Equal(1, status.ObservedGeneration);
        Assert.Equal(0, ports.Created);

        // The status is written inside the pass; its result is reported when the pass returns.
        await Eventually.UntilAsync(() => run.Results.Contains(ReconcileResult.InvalidSpec), Patience, "the pass to report InvalidSpec");

        // The condition gauges the chart's alerts read follow the status: 1 for True, 0 otherwise.
        Assert.Equal(1, run.Metrics.Condition.WithLabels(cluster.Namespace, "orders", ConditionTypes.InvalidSpec).Value);
        Assert.Equal(0, run.Metrics.Condition.WithLabels(cluster.Namespace, "orders", ConditionTypes.Ready).Value);
        using var exported = new MemoryStream();
        await run.Metrics.Registry.CollectAndExportAsTextAsync(exported, Ct);
        Assert.Contains($"autotune_condition{{namespace=\"{cluster.Namespace}\",name=\"orders\",type=\"InvalidSpec\"}} 1", System.Text.Encoding.UTF8.GetString(exported.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spec_the_schema_refuses_is_answered_422_naming_the_field()
    {
        await using var cluster = await KubeTestCluster.StartAsync();

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.ApplyAsync("orders", """
            { "targetRef": { "name": "orders-api" }, "mode": "Sometimes", "objectives": { "p99LatencyMs": 250 } }
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("spec.mode", refused.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_reconcile_is_requeued_with_growing_backoff_and_Ready_False_says_why()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var ports = new FakePorts { Failure = new HttpOperationException("configmaps \"orders-tuning\" is forbidden") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Forbidden), string.Empty) } };
        await using var run = ControllerRun.Start(cluster, ports);

        await cluster.ApplyAsync("orders", Valid);
        await Eventually.UntilAsync(() => run.Results.Count(r => r == ReconcileResult.Error) >= 4, Patience, "four failed passes");
        var status = await StatusAsync(cluster, "orders", s => s?.Conditions.Any(c => c.Type == ConditionTypes.Ready) == true);

        var ready = status.Conditions.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Equal((ConditionStatus.False, ConditionReasons.ReconcileFailed), (ready.Status, ready.Reason));
        Assert.Contains("forbidden", ready.Message, StringComparison.Ordinal);
        Assert.True(run.Controller!.Queue.Failures($"{cluster.Namespace}/orders") >= 4);
    }

    [Fact]
    public async Task Unreachable_metrics_hold_every_setting_and_say_so_in_MetricsAvailable()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var ports = new FakePorts { Replicas = 3 };
        await using var run = ControllerRun.Start(cluster, ports);

        await cluster.ApplyAsync("orders", Valid);
        var status = await StatusAsync(cluster, "orders", s => s?.Conditions.Any(c => c.Type == ConditionTypes.MetricsAvailable) == true, TimeSpan.FromSeconds(60));

        var metrics = status.Conditions.Single(c => c.Type == ConditionTypes.MetricsAvailable);
        Assert.Equal(ConditionStatus.False, metrics.Status);
        Assert.Equal(ConditionStatus.True, status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Status);
        Assert.Equal(3, ports.Replicas);
        Assert.Null(ports.Delivered);
        Assert.Equal(3, status.Current?.Replicas);
        Assert.DoesNotContain(run.Results, r => r == ReconcileResult.Acted);
    }

    [Fact]
    public async Task Status_only_changes_do_not_trigger_a_pass_and_an_unchanged_pass_writes_nothing()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var ports = new FakePorts { Failure = new HttpOperationException("boom") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.InternalServerError), string.Empty) } };
        await using var run = ControllerRun.Start(cluster, ports, failureBackoff: TimeSpan.FromMilliseconds(200));

        await cluster.ApplyAsync("orders", Valid);
        await Eventually.UntilAsync(() => run.Results.Count(r => r == ReconcileResult.Error) >= 3, Patience, "three failed passes");

        // Each failed pass composes the same Ready=False status: the first is written, the rest are not, and the
        // operator's own status write does not come back to it as a reason for another pass.
        Assert.Equal(1, cluster.Server.Requests.Count("patch", "/status"));
        Assert.Equal(1, run.Controller!.StatusWrites);
    }

    internal const string Valid = """
        {
          "targetRef": { "name": "orders-api" },
          "objectives": { "p99LatencyMs": 250 },
          "metrics": { "window": "10s", "scrapesPerWindow": 5 },
          "behavior": { "cooldownSeconds": 10, "scaleInStabilizationSeconds": 10 },
          "knobs": { "replicas": { "min": 1, "max": 6 }, "threadPoolMinThreads": { "min": 8, "max": 256 } }
        }
        """;

    private static async Task<ApiTuningStatus> StatusAsync(KubeTestCluster cluster, string name, Func<ApiTuningStatus?, bool> done, TimeSpan? timeout = null)
    {
        var resource = await Eventually.UntilAsync(() => cluster.GetApiTuningAsync(name), r => done(r.Status), timeout ?? Patience, $"status of {name}");
        return resource.Status!;
    }

    /// <summary>A controller (no leader election) running against the cluster with the given ports.</summary>
    internal sealed class ControllerRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private readonly HttpClient _http = new();
        private Task _running = Task.CompletedTask;

        public ApiTuningController? Controller { get; private set; }

        public OperatorMetrics Metrics { get; } = new();

        public ConcurrentQueue<string> Results { get; } = new();

        public ConcurrentQueue<(string Key, string Result)> Passes { get; } = new();

        public static ControllerRun Start(KubeTestCluster cluster, FakePorts ports, TimeSpan? failureBackoff = null, int workers = 4, TimeSpan? statusWriteTimeout = null)
        {
            var run = new ControllerRun();
            var options = new ControllerOptions
            {
                Namespaces = [cluster.Namespace],
                Workers = workers,
                FailureBackoffBase = failureBackoff ?? TimeSpan.FromMilliseconds(20),
                FailureBackoffMax = TimeSpan.FromMilliseconds(500),
                Ports = new KubernetesPortOptions { Http = run._http, StatusWriteTimeout = statusWriteTimeout ?? TimeSpan.FromSeconds(10) },
                PortFactory = ports.Create,
            };
            run.Controller = new ApiTuningController(cluster.OperatorClient, options, run.Metrics, new TestLogger("operator"));
            run.Controller.Reconciled += (key, result) =>
            {
                run.Results.Enqueue(result);
                run.Passes.Enqueue((key, result));
            };
            run._running = run.Controller.RunAsync(run._stop.Token);
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
            _http.Dispose();
        }
    }
}
