using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Autotune.KubeApi.Resources;
using Autotune.KubeApi.Store;
using Autotune.Testing;

namespace Autotune.KubeApi.Kubelet;

/// <summary>
/// A stand-in for the kubelet and the Deployment controller of a test cluster: it keeps Pod objects in step with each
/// Deployment's replicas by running a real process per pod on its own loopback address (the pod IP), marks a pod
/// Ready once its metrics endpoint answers, replaces the pods when the pod template changes (a rollout: a new pod is
/// Ready before an old one stops), copies the ConfigMaps a pod mounts into local files the way the kubelet updates a
/// volume (after <see cref="KubeletOptions.VolumeUpdateDelay"/>), restarts the local PostgreSQL when the database's
/// StatefulSet's pod template changes, and stops every process on dispose. It reacts to
/// <see cref="ObjectStore.ObjectChanged"/> and writes Pods and Deployment status straight into the store.
/// </summary>
public sealed class StandInKubelet : IAsyncDisposable
{
    private static readonly ResourceType Pods = Find(string.Empty, "pods");
    private static readonly ResourceType Deployments = Find("apps", "deployments");
    private static readonly ResourceType ConfigMaps = Find(string.Empty, "configmaps");
    private static readonly ResourceType StatefulSets = Find("apps", "statefulsets");

    private readonly KubeApiServer _server;
    private readonly KubeletOptions _options;
    private readonly Channel<StoreChange> _changes = Channel.CreateUnbounded<StoreChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<PodProcess> _pods = [];
    private readonly ConcurrentDictionary<string, string> _statefulSetTemplates = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _volumeUpdates = [];
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly CancellationTokenSource _stop = new();
    private readonly DirectoryInfo _root = System.IO.Directory.CreateTempSubdirectory("kubelet-");
    private readonly Task _loop;
    private int _databaseRestarts;

    private StandInKubelet(KubeApiServer server, KubeletOptions options)
    {
        _server = server;
        _options = options;
        server.Store.ObjectChanged += OnChanged;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>What went wrong running pods (a process that exited or never answered), for assertion messages.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>The port every pod's metrics endpoint listens on, at its pod IP.</summary>
    public int MetricsPort => _options.MetricsPort;

    /// <summary>How many restarts of the local PostgreSQL a StatefulSet change began.</summary>
    public int DatabaseRestarts => Volatile.Read(ref _databaseRestarts);

    /// <summary>Starts the kubelet on <paramref name="server"/>; Deployments that already exist get their pods too.</summary>
    public static StandInKubelet Start(KubeApiServer server, KubeletOptions options)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        var kubelet = new StandInKubelet(server, options);
        foreach (var type in new[] { StatefulSets, Deployments })
        {
            foreach (var item in server.Store.List(type, options.Namespace).Items)
            {
                kubelet.OnChanged(new StoreChange("ADDED", type, item, 0));
            }
        }

        return kubelet;
    }

    /// <summary>The local path of a file a pod sees at <paramref name="podPath"/> in one of its ConfigMap volumes, or null.</summary>
    public string? LocalPath(string @namespace, string pod, string podPath)
    {
        lock (_pods)
        {
            return _pods.FirstOrDefault(p => p.Namespace == @namespace && p.Name == pod) is { } found ? Translate(found, podPath) : null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _server.Store.ObjectChanged -= OnChanged;
        _changes.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-change.
        }

        await Task.WhenAll(_volumeUpdates.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        List<PodProcess> all;
        lock (_pods)
        {
            all = [.. _pods];
            _pods.Clear();
        }

        await Task.WhenAll(all.Select(p => p.Process is { } process ? ProcessRunner.StopAsync(process, _options.StopGrace) : Task.CompletedTask));
        _http.Dispose();
        _stop.Dispose();
        _root.Delete(recursive: true);
    }

    private static ResourceType Find(string group, string plural) => BuiltInResources.All.Single(t => t.Group == group && t.Plural == plural);

    private void OnChanged(StoreChange change)
    {
        if ((change.Resource == Deployments || change.Resource == ConfigMaps || change.Resource == StatefulSets)
            && (_options.Namespace is null || change.Namespace == _options.Namespace))
        {
            _changes.Writer.TryWrite(change);
        }
    }

    private async Task RunAsync()
    {
        await foreach (var change in _changes.Reader.ReadAllAsync(_stop.Token))
        {
            try
            {
                if (change.Resource == Deployments)
                {
                    await SyncDeploymentAsync(change.Namespace, change.Name, _stop.Token);
                }
                else if (change.Resource == ConfigMaps)
                {
                    ScheduleVolumeUpdate(change.Namespace, change.Name);
                }
                else if (change.Resource == StatefulSets)
                {
                    await SyncStatefulSetAsync(change, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _errors.Enqueue($"{change.Type} {change.Resource.Plural}/{change.Name}: {ex.Message}");
            }
        }
    }

    private async Task SyncStatefulSetAsync(StoreChange change, CancellationToken cancellationToken)
    {
        if (_options.Postgres is not { } postgres || change.Name != _options.PostgresStatefulSet || change.Type == "DELETED")
        {
            return;
        }

        var hash = Hash(change.Object["spec"]?["template"]);
        var key = $"{change.Namespace}/{change.Name}";
        if (_statefulSetTemplates.TryGetValue(key, out var before) && before != hash)
        {
            // Counted before the restart: whoever sees the restarted server must also see it counted.
            Interlocked.Increment(ref _databaseRestarts);
            await postgres.RestartAsync(cancellationToken);
        }

        _statefulSetTemplates[key] = hash;
    }

    /// <summary>Brings the Deployment's pods to its replicas and current template, then writes its status.</summary>
    private async Task SyncDeploymentAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var deployment = _server.Store.TryGet(Deployments, ns, name);
        if (deployment is null)
        {
            foreach (var pod in Owned(ns, name))
            {
                await StopPodAsync(pod);
            }

            return;
        }

        var desired = (int?)deployment["spec"]?["replicas"] ?? 1;
        var template = deployment["spec"]?["template"]?.AsObject() ?? throw new InvalidOperationException($"Deployment {name} has no pod template");
        var hash = Hash(template);
        var current = Owned(ns, name).Where(p => p.TemplateHash == hash).ToList();
        var old = Owned(ns, name).Where(p => p.TemplateHash != hash).ToList();

        // Roll: new pods come up (all that are missing, concurrently), then old ones go.
        if (current.Count < desired)
        {
            await Task.WhenAll(Enumerable.Range(0, desired - current.Count).Select(_ => StartPodAsync(ns, name, template, hash, cancellationToken)));
        }

        foreach (var pod in old)
        {
            await StopPodAsync(pod);
        }

        foreach (var pod in Owned(ns, name).Where(p => p.TemplateHash == hash).Skip(desired).Reverse().ToList())
        {
            await StopPodAsync(pod);
        }

        WriteDeploymentStatus(ns, name, deployment);
    }

    private void WriteDeploymentStatus(string ns, string name, JsonObject deployment)
    {
        var pods = Owned(ns, name);
        var ready = pods.Count(p => p.Process is { HasExited: false });
        var status = new JsonObject
        {
            ["observedGeneration"] = deployment["metadata"]?["generation"]?.DeepClone(),
            ["replicas"] = pods.Count,
            ["updatedReplicas"] = pods.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
        };
        _server.Store.Update(Deployments, ns, name, d =>
        {
            d["status"] = status;
            d["metadata"]!.AsObject().Remove("resourceVersion");
            return d;
        });
    }

    private List<PodProcess> Owned(string ns, string deployment)
    {
        lock (_pods)
        {
            return [.. _pods.Where(p => p.Namespace == ns && p.Deployment == deployment)];
        }
    }

    private async Task StartPodAsync(string ns, string deployment, JsonObject template, string hash, CancellationToken cancellationToken)
    {
        PodProcess pod;
        lock (_pods)
        {
            var index = _options.FirstAddress;
            while (_pods.Any(p => p.AddressIndex == index))
            {
                index++;
            }

            var name = $"{deployment}-{hash[..10]}-{Guid.NewGuid().ToString("N")[..5]}";
            pod = new PodProcess(ns, name, deployment, hash, index, System.IO.Directory.CreateDirectory(Path.Combine(_root.FullName, name)).FullName);
            _pods.Add(pod);
        }

        var spec = template["spec"]?.AsObject() ?? new JsonObject();
        _server.Store.Create(Pods, ns, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = pod.Name,
                ["labels"] = template["metadata"]?["labels"]?.DeepClone(),
                ["annotations"] = template["metadata"]?["annotations"]?.DeepClone(),
            },
            ["spec"] = spec.DeepClone(),
            ["status"] = new JsonObject { ["phase"] = "Pending" },
        });

        var container = spec["containers"]?.AsArray().FirstOrDefault()?.AsObject() ?? new JsonObject();
        MountConfigMaps(pod, spec, container);
        var launch = ContainerLaunch.For(_options, _server.Url, pod, spec, container);
        var environment = launch.Environment;
        if (!launch.Mapped)
        {
            foreach (var env in container["env"]?.AsArray() ?? [])
            {
                if ((string?)env?["name"] is { } envName && (string?)env["value"] is { } value)
                {
                    environment[envName] = Translate(pod, value);
                }
            }

            environment["ASPNETCORE_URLS"] = string.Create(CultureInfo.InvariantCulture, $"http://{pod.Address}:{_options.HttpPort}");
            environment["AUTOTUNE_METRICS_ADDRESS"] = pod.Address;
            environment["AUTOTUNE_METRICS_PORT"] = _options.MetricsPort.ToString(CultureInfo.InvariantCulture);
        }

        pod.Process = ProcessRunner.Start(launch.Command[0], launch.Command.Skip(1), pod.Log, environment: environment);

        await WaitReadyAsync(pod, launch.ReadinessUrl, cancellationToken);
        _server.Store.Update(Pods, ns, pod.Name, p =>
        {
            p["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = pod.Address,
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = pod.Address }),
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
            };
            return p;
        });
    }

    private async Task WaitReadyAsync(PodProcess pod, Uri url, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.StartTimeout);
        while (true)
        {
            if (pod.Process!.HasExited)
            {
                throw new InvalidOperationException($"pod {pod.Name} exited with {pod.Process.ExitCode} while starting: {Tail(pod)}");
            }

            try
            {
                using var response = await _http.GetAsync(url, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One slow answer; keep waiting.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"pod {pod.Name} did not answer {url} within {_options.StartTimeout.TotalSeconds:0} s: {Tail(pod)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    private async Task StopPodAsync(PodProcess pod)
    {
        lock (_pods)
        {
            _pods.Remove(pod);
        }

        if (_server.Store.TryGet(Pods, pod.Namespace, pod.Name) is not null)
        {
            _server.Store.Update(Pods, pod.Namespace, pod.Name, p =>
            {
                p["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = pod.Address, ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False" }) };
                return p;
            });
        }

        if (pod.Process is { } process)
        {
            await ProcessRunner.StopAsync(process, _options.StopGrace);
        }

        if (_server.Store.TryGet(Pods, pod.Namespace, pod.Name) is not null)
        {
            _server.Store.Delete(Pods, pod.Namespace, pod.Name);
        }

        System.IO.Directory.Delete(pod.Directory, recursive: true);
    }

    /// <summary>Creates a local directory per ConfigMap volume the container mounts and fills it with the ConfigMap's keys.</summary>
    private void MountConfigMaps(PodProcess pod, JsonObject spec, JsonObject container)
    {
        var volumes = (spec["volumes"]?.AsArray() ?? []).OfType<JsonObject>().ToDictionary(v => (string?)v["name"] ?? "", StringComparer.Ordinal);
        foreach (var mount in (container["volumeMounts"]?.AsArray() ?? []).OfType<JsonObject>())
        {
            if ((string?)mount["name"] is not { } volumeName || !volumes.TryGetValue(volumeName, out var volume)
                || (string?)volume["configMap"]?["name"] is not { } configMap || (string?)mount["mountPath"] is not { } mountPath)
            {
                continue;
            }

            var local = System.IO.Directory.CreateDirectory(Path.Combine(pod.Directory, volumeName)).FullName;
            pod.Mounts[mountPath.TrimEnd('/')] = local;
            if (!pod.ConfigMapMounts.TryGetValue(configMap, out var directories))
            {
                pod.ConfigMapMounts[configMap] = directories = [];
            }

            directories.Add(local);
            WriteFiles(_server.Store.TryGet(ConfigMaps, pod.Namespace, configMap), local);
        }
    }

    private void ScheduleVolumeUpdate(string ns, string configMap)
    {
        List<string> directories;
        lock (_pods)
        {
            directories = [.. _pods.Where(p => p.Namespace == ns).SelectMany(p => p.ConfigMapMounts.GetValueOrDefault(configMap) ?? [])];
        }

        if (directories.Count == 0)
        {
            return;
        }

        _volumeUpdates.Add(Task.Run(async () =>
        {
            await Task.Delay(_options.VolumeUpdateDelay, _stop.Token);
            var map = _server.Store.TryGet(ConfigMaps, ns, configMap); // the content at the time of the update, as the kubelet reads it
            foreach (var directory in directories.Where(System.IO.Directory.Exists))
            {
                WriteFiles(map, directory);
            }
        }));
    }

    /// <summary>Writes each key as a file, atomically (a temporary file renamed over the old one, as the kubelet swaps a symlink).</summary>
    private static void WriteFiles(JsonObject? configMap, string directory)
    {
        foreach (var (key, value) in configMap?["data"]?.AsObject() ?? [])
        {
            var temporary = Path.Combine(directory, $".{key}.{Guid.NewGuid():N}");
            File.WriteAllText(temporary, (string?)value ?? string.Empty);
            File.Move(temporary, Path.Combine(directory, key), overwrite: true);
        }
    }

    /// <summary>A path inside the pod (under a ConfigMap mount) as the local file that stands in for it.</summary>
    private static string Translate(PodProcess pod, string value)
    {
        foreach (var (mountPath, local) in pod.Mounts)
        {
            if (value == mountPath || value.StartsWith(mountPath + "/", StringComparison.Ordinal))
            {
                return local + value[mountPath.Length..];
            }
        }

        return value;
    }

    private static string Hash(JsonNode? node) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node?.ToJsonString() ?? string.Empty)));

    private static string Tail(PodProcess pod)
    {
        lock (pod.Log)
        {
            var text = pod.Log.ToString();
            return text.Length <= 1000 ? text : text[^1000..];
        }
    }
}
