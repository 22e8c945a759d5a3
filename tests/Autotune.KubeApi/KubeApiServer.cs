using System.Net;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Faults;
using Autotune.KubeApi.Http;
using Autotune.KubeApi.Observation;
using Autotune.KubeApi.Resources;
using Autotune.KubeApi.Store;
using Autotune.KubeApi.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Autotune.KubeApi;

/// <summary>
/// An in-process Kubernetes API server for tests: Kestrel on a free 127.0.0.1 port, plain HTTP, serving the
/// resources the operator touches. Point KubernetesClient at <see cref="Url"/>.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KubeApiServer(WebApplication app, ObjectStore store, ResourceCatalog catalog, FaultInjector faults, RequestLog requests)
    {
        _app = app;
        Store = store;
        Catalog = catalog;
        Faults = faults;
        Requests = requests;
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>The server's base address (http://127.0.0.1:port).</summary>
    public string Url { get; }

    /// <summary>Every object; subscribe to <see cref="ObjectStore.ObjectChanged"/> to react to changes.</summary>
    public ObjectStore Store { get; }

    /// <summary>The resource types served now.</summary>
    public ResourceCatalog Catalog { get; }

    /// <summary>Failures, delays and dropped watches on demand.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Every request answered.</summary>
    public RequestLog Requests { get; }

    /// <summary>Starts a server with its own empty store (plus the initial namespaces).</summary>
    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiServerOptions();
        var store = new ObjectStore(options.RetainedChanges);
        foreach (var ns in options.Namespaces)
        {
            store.Create(BuiltInResources.Namespaces, string.Empty, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns },
                ["status"] = new JsonObject { ["phase"] = "Active" },
            });
        }

        var catalog = new ResourceCatalog();
        var faults = new FaultInjector();
        var requests = new RequestLog();
        var router = new ApiRouter(new ApiContext(store, catalog, new CustomResourceValidator(), faults, options), requests);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(router.HandleAsync);
        await app.StartAsync(cancellationToken);
        return new KubeApiServer(app, store, catalog, faults, requests);
    }

    /// <summary>Stops the server, ending open watches.</summary>
    public async ValueTask DisposeAsync()
    {
        Faults.DropWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
