using System.Diagnostics;
using System.Text;

namespace Autotune.KubeApi.Kubelet;

/// <summary>One pod the stand-in kubelet runs: a process on its own loopback address, with its mounted volumes as local directories.</summary>
internal sealed class PodProcess(string @namespace, string name, string deployment, string templateHash, int addressIndex, string directory)
{
    public string Namespace { get; } = @namespace;

    public string Name { get; } = name;

    public string Deployment { get; } = deployment;

    public string TemplateHash { get; } = templateHash;

    public int AddressIndex { get; } = addressIndex;

    public string Address => $"127.0.0.{AddressIndex}";

    /// <summary>Where the pod's volumes live on this machine.</summary>
    public string Directory { get; } = directory;

    /// <summary>ConfigMap name -> the local directories it is mounted at.</summary>
    public Dictionary<string, List<string>> ConfigMapMounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Mount path in the pod -> the local directory standing in for it.</summary>
    public Dictionary<string, string> Mounts { get; } = new(StringComparer.Ordinal);

    public StringBuilder Log { get; } = new();

    public Process? Process { get; set; }
}
