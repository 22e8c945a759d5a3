using System.Threading.Channels;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class WatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Watch_from_a_resourceVersion_sends_later_changes_in_order_then_a_bookmark()
    {
        await using var cluster = await TestCluster.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        var apps = cluster.Client.AppsV1;
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("before"), cluster.Namespace, cancellationToken: Ct);
        var listed = await apps.ListNamespacedDeploymentAsync(cluster.Namespace, cancellationToken: Ct);
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("after"), cluster.Namespace, cancellationToken: Ct);
        await apps.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "after", cluster.Namespace, cancellationToken: Ct);
        await apps.DeleteNamespacedDeploymentAsync("before", cluster.Namespace, cancellationToken: Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(Patience);
        var seen = new List<(WatchEventType, string, string)>();
        var stream = apps.WatchListNamespacedDeploymentAsync(
            cluster.Namespace, allowWatchBookmarks: true, resourceVersion: listed.Metadata.ResourceVersion, cancellationToken: stop.Token);
        await foreach (var (type, item) in stream)
        {
            seen.Add((type, item.Metadata.Name ?? string.Empty, item.Metadata.ResourceVersion));
            if (type == WatchEventType.Bookmark)
            {
                break;
            }
        }

        Assert.Equal(
            [(WatchEventType.Added, "after"), (WatchEventType.Modified, "after"), (WatchEventType.Deleted, "before"), (WatchEventType.Bookmark, string.Empty)],
            seen.Select(s => (s.Item1, s.Item2)).ToList());
        Assert.Equal(cluster.Server.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), seen[^1].Item3);
        Assert.Equal(seen.Select(s => long.Parse(s.Item3)).Order().ToList(), seen.Select(s => long.Parse(s.Item3)).ToList());
    }

    [Fact]
    public async Task Watch_without_resourceVersion_starts_with_every_object_as_added_and_filters_by_label()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("one"), cluster.Namespace, cancellationToken: Ct);
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("two"), cluster.Namespace, cancellationToken: Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(Patience);
        await foreach (var (type, item) in apps.WatchListNamespacedDeploymentAsync(cluster.Namespace, labelSelector: "app=two", cancellationToken: stop.Token))
        {
            Assert.Equal((WatchEventType.Added, "two"), (type, item.Metadata.Name));
            break;
        }
    }

    [Fact]
    public async Task Dropped_watches_close_the_clients_stream()
    {
        await using var cluster = await TestCluster.StartAsync();
        var events = Channel.CreateUnbounded<WatchEventType>();
        var closed = ConsumeAsync(cluster.Client.AppsV1.WatchListNamespacedDeploymentAsync(cluster.Namespace, cancellationToken: Ct), events.Writer);

        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(WatchEventType.Added, await events.Reader.ReadAsync(Ct).AsTask().WaitAsync(Patience, Ct));
        Assert.False(closed.IsCompleted);

        cluster.Server.Faults.DropWatches();
        await closed.WaitAsync(Patience, Ct);
        Assert.Equal(1, cluster.Server.Requests.Count("watch", "/deployments"));
    }

    [Fact]
    public async Task Watch_from_before_the_retained_history_gets_a_410_error_event()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        var old = await apps.ListNamespacedDeploymentAsync(cluster.Namespace, cancellationToken: Ct);
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        cluster.Server.Store.Compact();

        var error = new TaskCompletionSource<Exception>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(Patience);
        try
        {
            await foreach (var (type, _) in apps.WatchListNamespacedDeploymentAsync(
                cluster.Namespace, resourceVersion: old.Metadata.ResourceVersion, onError: e => error.TrySetResult(e), cancellationToken: stop.Token))
            {
                Assert.Fail($"no {type} event is expected from an expired resourceVersion");
            }
        }
        catch (KubernetesException thrown)
        {
            error.TrySetResult(thrown);
        }

        var failure = Assert.IsType<KubernetesException>(await error.Task.WaitAsync(Patience, Ct));
        Assert.Equal((410, "Expired", "Failure"), (failure.Status.Code, failure.Status.Reason, failure.Status.Status));

        var fresh = await apps.ListNamespacedDeploymentAsync(cluster.Namespace, cancellationToken: Ct);
        using var raw = new HttpClient();
        var line = await ReadFirstLineAsync(raw, $"{cluster.Server.Url}/apis/apps/v1/namespaces/{cluster.Namespace}/deployments?watch=true&resourceVersion={old.Metadata.ResourceVersion}");
        Assert.StartsWith("""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1""", line, StringComparison.Ordinal);
        Assert.NotEqual(old.Metadata.ResourceVersion, fresh.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Retained_window_is_configurable_and_older_watches_expire()
    {
        await using var cluster = await TestCluster.StartAsync(new KubeApiServerOptions { RetainedChanges = 2 });
        var apps = cluster.Client.AppsV1;
        var start = await apps.ListNamespacedDeploymentAsync(cluster.Namespace, cancellationToken: Ct);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await apps.CreateNamespacedDeploymentAsync(Objects.Deployment(name), cluster.Namespace, cancellationToken: Ct);
        }

        using var raw = new HttpClient();
        var url = $"{cluster.Server.Url}/apis/apps/v1/namespaces/{cluster.Namespace}/deployments?watch=true&resourceVersion=";
        Assert.Contains("\"code\":410", await ReadFirstLineAsync(raw, url + start.Metadata.ResourceVersion), StringComparison.Ordinal);
        var recent = cluster.Server.Store.ResourceVersion - 1;
        Assert.Contains("\"type\":\"ADDED\"", await ReadFirstLineAsync(raw, url + recent), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rewritten_watch_event_reaches_the_client_as_rewritten_once_and_the_store_keeps_the_real_object()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        var start = await apps.ListNamespacedDeploymentAsync(cluster.Namespace, cancellationToken: Ct);
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("a"), cluster.Namespace, cancellationToken: Ct);
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("b"), cluster.Namespace, cancellationToken: Ct);
        var rule = cluster.Server.Faults.RewriteNextWatchEvents(1, "/apis/apps/v1/namespaces/*/deployments", _ => """{"type":"ADDED","object":{"metadata":""");

        using var raw = new HttpClient();
        var url = $"{cluster.Server.Url}/apis/apps/v1/namespaces/{cluster.Namespace}/deployments?watch=true&resourceVersion={start.Metadata.ResourceVersion}";
        var rewritten = await ReadLinesAsync(raw, url, 2);
        var again = await ReadLinesAsync(raw, url, 1);

        Assert.Equal("""{"type":"ADDED","object":{"metadata":""", rewritten[0]);
        Assert.Contains("\"name\":\"b\"", rewritten[1], StringComparison.Ordinal);
        Assert.Contains("\"name\":\"a\"", again[0], StringComparison.Ordinal);
        Assert.Equal(0, rule.Remaining);
    }

    [Fact]
    public async Task Server_closes_a_watch_after_timeoutSeconds()
    {
        await using var cluster = await TestCluster.StartAsync();

        // KubernetesClient reads the first line before it hands out the stream, so a watch that ends with no event at
        // all fails in the client (as it does against a real cluster): give it one.
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" } }, cluster.Namespace, cancellationToken: Ct);
        var events = Channel.CreateUnbounded<WatchEventType>();
        await ConsumeAsync(cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync(cluster.Namespace, timeoutSeconds: 1, cancellationToken: Ct), events.Writer)
            .WaitAsync(Patience, Ct);
        Assert.Equal(WatchEventType.Added, await events.Reader.ReadAsync(Ct));
        Assert.Equal(200, cluster.Server.Requests.Records.Single(r => r.Verb == "watch").Status);
    }

    private static async Task ConsumeAsync<T>(IAsyncEnumerable<(WatchEventType, T)> stream, ChannelWriter<WatchEventType> events)
    {
        await foreach (var (type, _) in stream)
        {
            events.TryWrite(type);
        }
    }

    private static async Task<List<string>> ReadLinesAsync(HttpClient client, string url, int count)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(Patience);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stop.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        var lines = new List<string>();
        while (lines.Count < count && await reader.ReadLineAsync(stop.Token) is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static async Task<string> ReadFirstLineAsync(HttpClient client, string url)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(Patience);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stop.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        return await reader.ReadLineAsync(stop.Token) ?? string.Empty;
    }
}
