using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.Resources;
using Autotune.KubeApi.Selection;
using Autotune.KubeApi.Store;
using Autotune.KubeApi.Tables;
using Microsoft.AspNetCore.Http;

namespace Autotune.KubeApi.Http;

/// <summary>
/// ?watch=true: newline-delimited JSON watch events ({"type":"ADDED","object":{...}}) after the requested
/// resourceVersion, BOOKMARK events when asked for, an ERROR event with a 410 Status when the resourceVersion is
/// older than the retained history, closed by the server after timeoutSeconds or when faults drop watches.
/// </summary>
internal sealed class WatchStream(ApiContext api)
{
    public async Task RunAsync(HttpContext context, RequestTarget target, ResourceType type)
    {
        var query = context.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        var bookmarks = query["allowWatchBookmarks"] == "true";
        var table = TableResponses.For(context.Request, type, target.Version);
        long? from = long.TryParse(query["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var rv) && rv > 0 ? rv : null;
        if (query["resourceVersion"] is { Count: > 0 } given && given.ToString() is { Length: > 0 } text && text != "0" && from is null)
        {
            throw KubeApiException.BadRequest($"invalid resource version: {text}");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, api.Faults.WatchDropToken);
        if (int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) && timeout > 0)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(timeout));
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        WatchSubscription subscription;
        try
        {
            subscription = api.Store.Watch(type, target.Namespace, from);
        }
        catch (KubeApiException expired) when (expired.Code == 410)
        {
            await WriteAsync(response, "ERROR", expired.ToStatus(), CancellationToken.None);
            return;
        }

        using (subscription)
        {
            await response.StartAsync(stop.Token);
            try
            {
                await PumpAsync(response, context.Request.Path.Value ?? string.Empty, subscription, target, type, labels, fields, bookmarks, table, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Timeout, a dropped watch or the client going away: the stream simply ends.
            }
        }
    }

    private async Task PumpAsync(
        HttpResponse response, string path, WatchSubscription subscription, RequestTarget target, ResourceType type,
        LabelSelector labels, FieldSelector fields, bool bookmarks, TableResponses? table, CancellationToken stop)
    {
        while (true)
        {
            StoreChange change;
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                tick.CancelAfter(api.Options.BookmarkInterval);
                try
                {
                    change = await subscription.Changes.ReadAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    if (bookmarks && api.Store.ResourceVersionIfDrained(subscription) is { } drained)
                    {
                        var bookmark = new JsonObject
                        {
                            ["kind"] = type.Kind,
                            ["apiVersion"] = type.ApiVersion(target.Version),
                            ["metadata"] = new JsonObject { ["resourceVersion"] = drained.ToString(CultureInfo.InvariantCulture) },
                        };
                        await WriteAsync(response, "BOOKMARK", bookmark, stop);
                    }

                    continue;
                }
            }

            var served = ObjectShapes.AsServed(change.Object, type, target.Version);
            if (labels.Matches(served) && fields.Matches(served))
            {
                await WriteAsync(response, change.Type, table is null ? served : table.Of([served], (string?)served["metadata"]?["resourceVersion"]), stop, api.Faults.MatchWatchEvent(path));
            }
        }
    }

    private static async Task WriteAsync(HttpResponse response, string type, JsonObject obj, CancellationToken cancellationToken, Func<string, string>? rewrite = null)
    {
        var json = new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString();
        var line = (rewrite is null ? json : rewrite(json)) + "\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
