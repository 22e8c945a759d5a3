using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Ports;
using Autotune.Operator.Tests.Reconcile;
using k8s;
using Xunit;
using static Autotune.Operator.Tests.Kubernetes.KubeTestCluster;

namespace Autotune.Operator.Tests.Kubernetes;

public sealed class StatusWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Writes_status_only_when_it_changed()
    {
        await using var cluster = await StartAsync();
        var writer = new KubernetesStatusWriter(cluster.OperatorClient, await cluster.CreateApiTuningAsync("orders", Spec()), new KubernetesPortOptions { Http = new HttpClient() });

        Assert.True(await writer.WriteStatusAsync(Status(rps: 10), Ct));
        Assert.False(await writer.WriteStatusAsync(Status(rps: 10), Ct));
        Assert.True(await writer.WriteStatusAsync(Status(rps: 12), Ct));

        Assert.Equal(2, cluster.Server.Requests.Count("patch", "/apitunings/orders/status"));
        Assert.Equal(12, (await cluster.GetApiTuningAsync("orders")).Status!.Observed!.Rps);
    }

    [Fact]
    public async Task The_watch_copy_of_its_own_write_replaces_the_writers_and_no_other_version_does()
    {
        await using var cluster = await StartAsync();
        var created = await cluster.CreateApiTuningAsync("orders", Spec());
        var writer = new KubernetesStatusWriter(cluster.OperatorClient, created, new KubernetesPortOptions { Http = new HttpClient() });
        await writer.WriteStatusAsync(Status(rps: 10), Ct);
        var written = writer.Resource;

        writer.ShareIfSame(created);
        Assert.Same(written, writer.Resource); // an older version (the one before the write) is not taken

        var echo = await cluster.GetApiTuningAsync("orders");
        writer.ShareIfSame(echo);
        Assert.Same(echo, writer.Resource);

        // And the writer still knows what it wrote: the same status again is not written.
        Assert.False(await writer.WriteStatusAsync(Status(rps: 10), Ct));
        Assert.Equal(1, cluster.Server.Requests.Count("patch", "/apitunings/orders/status"));
    }

    [Fact]
    public async Task A_field_left_out_of_the_new_status_is_removed()
    {
        await using var cluster = await StartAsync();
        var writer = new KubernetesStatusWriter(cluster.OperatorClient, await cluster.CreateApiTuningAsync("orders", Spec()), new KubernetesPortOptions { Http = new HttpClient() });
        await writer.WriteStatusAsync(Status(rps: 10) with { Recommended = new KnobValues { Replicas = 4 } }, Ct);

        await writer.WriteStatusAsync(Status(rps: 10), Ct);

        Assert.Null((await cluster.GetApiTuningAsync("orders")).Status!.Recommended);
    }

    [Fact]
    public async Task A_conflict_on_the_status_write_is_retried_after_reading_the_object_again()
    {
        await using var cluster = await StartAsync();
        var created = await cluster.CreateApiTuningAsync("orders", Spec());
        var writer = new KubernetesStatusWriter(cluster.OperatorClient, created, new KubernetesPortOptions { Http = new HttpClient() });
        // Someone else changes the object after the writer read it: its resourceVersion precondition is stale.
        await cluster.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new k8s.Models.V1Patch("""{"spec":{"mode":"Recommend"}}""", k8s.Models.V1Patch.PatchType.MergePatch),
            ApiTuningResource.Group, ApiTuningResource.Version, cluster.Namespace, ApiTuningResource.Plural, "orders", cancellationToken: Ct);

        Assert.True(await writer.WriteStatusAsync(Status(rps: 7), Ct));

        var read = await cluster.GetApiTuningAsync("orders");
        Assert.Equal(7, read.Status!.Observed!.Rps);
        Assert.Equal(TuningMode.Recommend, read.Spec.Mode);
        Assert.Equal(2, cluster.Server.Requests.Count("patch", "/apitunings/orders/status")); // 409 on the stale resourceVersion, then success
        Assert.Equal(1, cluster.Server.Requests.Count("get", "/apitunings/orders/status"));
    }

    [Fact]
    public async Task A_conflict_that_never_ends_surfaces_after_the_retries()
    {
        await using var cluster = await StartAsync();
        var writer = new KubernetesStatusWriter(cluster.OperatorClient, await cluster.CreateApiTuningAsync("orders", Spec()), new KubernetesPortOptions { Http = new HttpClient(), StatusConflictRetries = 2 });
        cluster.Server.Faults.FailNext(10, "PATCH", "/apis/autotune.dev/v1alpha1/namespaces/*/apitunings/orders/status", 409);

        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => writer.WriteStatusAsync(Status(rps: 7), Ct));
        Assert.Equal(3, cluster.Server.Requests.Count("patch", "/apitunings/orders/status"));
    }

    [Fact]
    public async Task A_status_write_the_server_holds_times_out_is_kept_and_lands_with_the_next_write()
    {
        await using var cluster = await StartAsync();
        var timedOut = new List<(string Kind, string Key)>();
        var writer = new KubernetesStatusWriter(cluster.OperatorClient, await cluster.CreateApiTuningAsync("orders", Spec()), new KubernetesPortOptions
        {
            Http = new HttpClient(),
            StatusWriteTimeout = TimeSpan.FromMilliseconds(500),
            WriteTimedOut = (kind, key) => timedOut.Add((kind, key)),
        });
        var hang = cluster.Server.Faults.DelayNext(1, "PATCH", "/apis/autotune.dev/v1alpha1/namespaces/*/apitunings/orders/status", TimeSpan.FromMinutes(10));
        var started = DateTimeOffset.UtcNow;

        Assert.False(await writer.WriteStatusAsync(Status(rps: 10) with { Recommended = new KnobValues { Replicas = 4 } }, Ct));
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.Equal(0, hang.Remaining);
        Assert.True(writer.StatusPending);
        Assert.Equal([("status", $"{cluster.Namespace}/orders")], timedOut);
        Assert.Equal(4, writer.Basis.Status!.Recommended!.Replicas); // the next status is composed on the one that timed out
        Assert.Null((await cluster.GetApiTuningAsync("orders")).Status);

        // The server answers again: the next write, composed on the pending one, lands and carries both.
        Assert.True(await writer.WriteStatusAsync(writer.Basis.Status with { Observed = Status(rps: 12).Observed }, Ct));

        var stored = (await cluster.GetApiTuningAsync("orders")).Status!;
        Assert.Equal((4, 12.0), (stored.Recommended!.Replicas, stored.Observed!.Rps));
        Assert.False(writer.StatusPending);
        Assert.Equal(1, writer.TimedOut);
    }

    [Fact]
    public async Task A_status_write_the_server_refuses_after_a_change_was_applied_is_kept_so_the_next_write_records_the_change()
    {
        await using var cluster = await StartAsync();
        var writer = new KubernetesStatusWriter(cluster.OperatorClient, await cluster.CreateApiTuningAsync("orders", Spec()), new KubernetesPortOptions { Http = new HttpClient() });
        var input = new PassInput { ApiId = $"{cluster.Namespace}/orders", Spec = Spec(), DesiredReplicas = 2, ReadyReplicas = 2, Now = Now };
        var raise = new Decision
        {
            Kind = DecisionKind.Change,
            Bottleneck = Bottleneck.ThreadStarvation,
            Reason = "RaiseMinThreads",
            Message = "min threads 8 -> 24",
            Knob = Knob.ThreadPoolMinThreads,
            From = 8,
            To = 24,
        };
        var hold = new Decision { Kind = DecisionKind.Hold, Bottleneck = Bottleneck.None, Reason = "AwaitingConfirmation", Message = "waiting" };

        // The pass applied the change (the tuning file is written before status); its status write is answered 500.
        cluster.Server.Faults.FailNext(1, "PATCH", "/apis/autotune.dev/v1alpha1/namespaces/*/apitunings/orders/status", 500);
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => writer.ReportAsync(PassOutcomes.Outcome(input, raise, applied: true), Ct));
        Assert.True(writer.StatusPending);

        // The next pass only waits for the change to be confirmed: its status still records the change.
        await writer.ReportAsync(PassOutcomes.Outcome(input, hold), Ct);

        var stored = (await cluster.GetApiTuningAsync("orders")).Status!;
        Assert.Equal((Knob.ThreadPoolMinThreads, 8, 24), (stored.LastDecision!.Knob!.Value, stored.LastDecision.From!.Value, stored.LastDecision.To!.Value));
        Assert.Equal("RaiseMinThreads", Assert.Single(stored.History).Reason);
        Assert.False(writer.StatusPending);
    }

    [Fact]
    public async Task An_Event_the_server_holds_times_out_and_is_dropped_without_failing_the_caller()
    {
        await using var cluster = await StartAsync();
        var timedOut = new List<string>();
        IStatusWriter writer = new KubernetesStatusWriter(cluster.OperatorClient, await cluster.CreateApiTuningAsync("orders", Spec()), new KubernetesPortOptions
        {
            Http = new HttpClient(),
            StatusWriteTimeout = TimeSpan.FromMilliseconds(500),
            WriteTimedOut = (kind, _) => timedOut.Add(kind),
        });
        cluster.Server.Faults.DelayNext(1, "POST", "/apis/events.k8s.io/v1/namespaces/*/events", TimeSpan.FromMinutes(10));

        await writer.EventAsync(new TuningEvent(Now, TuningEvent.Normal, "RaiseMinThreads", "min threads 8 -> 16"), Ct);
        await writer.EventAsync(new TuningEvent(Now, TuningEvent.Normal, "RaiseReplicas", "replicas 2 -> 3"), Ct);

        Assert.Equal(["event"], timedOut);
        var events = (await cluster.Client.EventsV1.ListNamespacedEventAsync(cluster.Namespace, cancellationToken: Ct)).Items;
        Assert.Equal("RaiseReplicas", Assert.Single(events).Reason);
    }

    [Fact]
    public async Task Events_regard_the_apituning_and_a_repeat_becomes_a_series()
    {
        await using var cluster = await StartAsync();
        var created = await cluster.CreateApiTuningAsync("orders", Spec());
        IStatusWriter writer = new KubernetesStatusWriter(cluster.OperatorClient, created, new KubernetesPortOptions { Http = new HttpClient(), ReportingInstance = "autotune-0" });

        await writer.EventAsync(new TuningEvent(Now, TuningEvent.Normal, "RaiseMinThreads", "min threads 8 -> 16: queue 40 with CPU 20%"), Ct);
        await writer.EventAsync(new TuningEvent(Now.AddMinutes(1), TuningEvent.Warning, "BudgetExhausted", "replicas 8 of 8"), Ct);
        await writer.EventAsync(new TuningEvent(Now.AddMinutes(2), TuningEvent.Warning, "BudgetExhausted", "replicas 8 of 8"), Ct);
        await writer.EventAsync(new TuningEvent(Now.AddMinutes(3), TuningEvent.Warning, "BudgetExhausted", "replicas 8 of 8"), Ct);

        var events = (await cluster.Client.EventsV1.ListNamespacedEventAsync(cluster.Namespace, cancellationToken: Ct)).Items;
        Assert.Equal(2, events.Count);
        var raise = Assert.Single(events, e => e.Reason == "RaiseMinThreads");
        Assert.Equal(("Normal", "min threads 8 -> 16: queue 40 with CPU 20%", "autotune.dev/operator", "autotune-0"), (raise.Type, raise.Note, raise.ReportingController, raise.ReportingInstance));
        Assert.Equal(("autotune.dev/v1alpha1", "ApiTuning", "orders", created.Metadata.Uid), (raise.Regarding.ApiVersion, raise.Regarding.Kind, raise.Regarding.Name, raise.Regarding.Uid));
        var budget = Assert.Single(events, e => e.Reason == "BudgetExhausted");
        Assert.Equal(3, budget.Series.Count);
        Assert.Equal(Now.AddMinutes(3).UtcDateTime, budget.Series.LastObservedTime);
    }

    private static ApiTuningStatus Status(double rps) => new()
    {
        ObservedGeneration = 1,
        Conditions = [new StatusCondition { Type = ConditionTypes.Ready, Status = ConditionStatus.True, Reason = "Tuning", Message = "ok", LastTransitionTime = Now }],
        Observed = new ObservedStatus { WindowEnd = Now, Pods = 2, Rps = rps },
    };
}
