using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes;

/// <summary>
/// Builds an RFC 6902 JSON patch of a workload's pod template, guarded by a <c>test</c> of the resourceVersion it was
/// computed from, so a concurrent change answers 409 instead of being overwritten.
/// </summary>
internal sealed class PodTemplatePatch
{
    private const string Spec = "/spec/template/spec";
    private readonly JsonArray _operations = [];
    private readonly V1PodSpec _pod;
    private readonly int _container;

    public PodTemplatePatch(V1ObjectMeta metadata, V1PodTemplateSpec template, string? containerName)
    {
        _pod = template.Spec ?? throw new InvalidOperationException($"{metadata.Name} has no pod template");
        Template = template;
        _container = ContainerIndex(_pod, containerName, metadata.Name);
        _operations.Add(new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = metadata.ResourceVersion });
    }

    public V1PodTemplateSpec Template { get; }

    /// <summary>The app's container.</summary>
    public V1Container Container => _pod.Containers[_container];

    /// <summary>True when an operation beyond the resourceVersion test was added.</summary>
    public bool HasChanges => _operations.Count > 1;

    /// <summary>The index of the named container, or of the first one.</summary>
    public static int ContainerIndex(V1PodSpec pod, string? containerName, string owner)
    {
        if (pod.Containers is not { Count: > 0 })
        {
            throw new InvalidOperationException($"{owner} has no containers");
        }

        if (containerName is null)
        {
            return 0;
        }

        var index = pod.Containers.ToList().FindIndex(c => c.Name == containerName);
        return index >= 0 ? index : throw new InvalidOperationException($"{owner} has no container named {containerName}");
    }

    /// <summary>Adds the volume unless one of that name exists.</summary>
    public void EnsureVolume(V1Volume volume)
    {
        if (_pod.Volumes is null)
        {
            Add($"{Spec}/volumes", new JsonArray(Node(volume)));
        }
        else if (_pod.Volumes.All(v => v.Name != volume.Name))
        {
            Add($"{Spec}/volumes/-", Node(volume));
        }
    }

    /// <summary>Adds the mount to the app's container unless one of that name exists.</summary>
    public void EnsureVolumeMount(V1VolumeMount mount)
    {
        var path = $"{Spec}/containers/{_container}/volumeMounts";
        if (Container.VolumeMounts is null)
        {
            Add(path, new JsonArray(Node(mount)));
        }
        else if (Container.VolumeMounts.All(m => m.Name != mount.Name))
        {
            Add(path + "/-", Node(mount));
        }
    }

    /// <summary>Sets an env var of the app's container (a literal value), adding it when missing.</summary>
    public void SetEnv(string name, string value)
    {
        var path = $"{Spec}/containers/{_container}/env";
        var env = Container.Env;
        var entry = new JsonObject { ["name"] = name, ["value"] = value };
        if (env is null)
        {
            Add(path, new JsonArray(entry));
            Container.Env = [new V1EnvVar { Name = name, Value = value }];
            return;
        }

        var index = env.ToList().FindIndex(e => e.Name == name);
        if (index < 0)
        {
            Add(path + "/-", entry);
            env.Add(new V1EnvVar { Name = name, Value = value });
        }
        else if (env[index].Value != value || env[index].ValueFrom is not null)
        {
            _operations.Add(new JsonObject { ["op"] = "replace", ["path"] = $"{path}/{index}", ["value"] = entry });
        }
    }

    /// <summary>Sets an annotation of the pod template.</summary>
    public void SetTemplateAnnotation(string name, string value)
    {
        var annotations = Template.Metadata?.Annotations;
        if (annotations is not null && annotations.TryGetValue(name, out var existing) && existing == value)
        {
            return;
        }

        if (Template.Metadata is null)
        {
            Add("/spec/template/metadata", new JsonObject { ["annotations"] = new JsonObject { [name] = value } });
        }
        else if (annotations is null)
        {
            Add("/spec/template/metadata/annotations", new JsonObject { [name] = value });
        }
        else
        {
            _operations.Add(new JsonObject { ["op"] = annotations.ContainsKey(name) ? "replace" : "add", ["path"] = "/spec/template/metadata/annotations/" + Escape(name), ["value"] = value });
        }
    }

    public V1Patch ToPatch() => new(_operations.ToJsonString(), V1Patch.PatchType.JsonPatch);

    private void Add(string path, JsonNode value) => _operations.Add(new JsonObject { ["op"] = "add", ["path"] = path, ["value"] = value });

    private static JsonNode Node(object value) => JsonNode.Parse(KubernetesJson.Serialize(value))!;

    /// <summary>A JSON pointer segment (RFC 6901): '~' as '~0', '/' as '~1'.</summary>
    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
