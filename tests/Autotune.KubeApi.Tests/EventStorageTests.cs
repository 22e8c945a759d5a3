using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>core v1 and events.k8s.io/v1 Events share one storage, as in the API server: each API sees the other's writes in its own field names.</summary>
public sealed class EventStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_written_through_events_k8s_io_is_read_as_a_core_event_and_back()
    {
        await using var cluster = await TestCluster.StartAsync();
        var created = await cluster.Client.EventsV1.CreateNamespacedEventAsync(Event(cluster.Namespace, "uid-1"), cluster.Namespace, cancellationToken: Ct);

        var core = (await cluster.Client.CoreV1.ListNamespacedEventAsync(cluster.Namespace, fieldSelector: "involvedObject.kind=ApiTuning,involvedObject.uid=uid-1", cancellationToken: Ct)).Items;
        var read = Assert.Single(core);
        Assert.Equal(created.Metadata.Name, read.Metadata.Name);
        Assert.Equal("orders", read.InvolvedObject.Name);
        Assert.Equal("Raised Npgsql pool 10 -> 24", read.Message);
        Assert.Equal("autotune.dev/operator", read.ReportingComponent);
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedEventAsync(cluster.Namespace, fieldSelector: "involvedObject.uid=other", cancellationToken: Ct)).Items);

        // A series update through events.k8s.io shows in the core view; the new API's selector uses its own names.
        await cluster.Client.EventsV1.PatchNamespacedEventAsync(new V1Patch("""{"series":{"count":2,"lastObservedTime":"2026-01-01T00:00:00.000000Z"}}""", V1Patch.PatchType.MergePatch), created.Metadata.Name, cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(2, (await cluster.Client.CoreV1.ReadNamespacedEventAsync(created.Metadata.Name, cluster.Namespace, cancellationToken: Ct)).Series.Count);
        var newApi = Assert.Single((await cluster.Client.EventsV1.ListNamespacedEventAsync(cluster.Namespace, fieldSelector: "regarding.name=orders", cancellationToken: Ct)).Items);
        Assert.Equal("Raised Npgsql pool 10 -> 24", newApi.Note);
        Assert.Null(newApi.DeprecatedCount);
    }

    [Fact]
    public async Task Kubectl_describe_shows_the_events_the_operator_writes()
    {
        await using var clients = await RealClients.StartAsync();
        await clients.KubectlOkAsync("apply", "-f", "crds/apituning.yaml");
        await clients.KubectlOkAsync("apply", "-f", "crds/examples/minimal.yaml");
        var uid = (await clients.KubectlOkAsync("get", "apituning", "orders", "-o", "jsonpath={.metadata.uid}")).Trim();
        await clients.Cluster.Client.EventsV1.CreateNamespacedEventAsync(Event(clients.Cluster.Namespace, uid), clients.Cluster.Namespace, cancellationToken: Ct);

        var described = await clients.KubectlOkAsync("describe", "apituning", "orders");
        Assert.Matches(@"(?m)^  Normal\s+PoolRaised\s+\S+\s+autotune\.dev/operator\s+Raised Npgsql pool 10 -> 24$", described);

        var events = await clients.KubectlOkAsync("get", "events", "--field-selector", "involvedObject.kind=ApiTuning");
        Assert.Matches(@"(?m)^\S+\s+Normal\s+PoolRaised\s+apituning/orders\s+Raised Npgsql pool 10 -> 24$", events);
    }

    private static Eventsv1Event Event(string ns, string uid) => new()
    {
        Metadata = new V1ObjectMeta { GenerateName = "orders.", NamespaceProperty = ns },
        EventTime = DateTime.UtcNow,
        Type = "Normal",
        Reason = "PoolRaised",
        Note = "Raised Npgsql pool 10 -> 24",
        Action = "Tune",
        ReportingController = "autotune.dev/operator",
        ReportingInstance = "autotune-0",
        Regarding = new V1ObjectReference { ApiVersion = "autotune.dev/v1alpha1", Kind = "ApiTuning", Name = "orders", NamespaceProperty = ns, Uid = uid },
    };
}
