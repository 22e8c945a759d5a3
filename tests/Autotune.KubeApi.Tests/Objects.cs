using k8s.Models;

namespace Autotune.KubeApi.Tests;

/// <summary>Small objects the tests create.</summary>
internal static class Objects
{
    public static V1Deployment Deployment(string name, int replicas = 2) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "api", Image = "orders:1" }] },
            },
        },
    };

    /// <summary>The minimal ApiTuning (crds/examples/minimal.yaml) as the generic client sends it.</summary>
    public static Dictionary<string, object> ApiTuning(string name, string target = "orders-api", object? mode = null)
    {
        var spec = new Dictionary<string, object>
        {
            ["targetRef"] = new Dictionary<string, object> { ["name"] = target },
            ["objectives"] = new Dictionary<string, object> { ["p99LatencyMs"] = 250 },
        };
        if (mode is not null)
        {
            spec["mode"] = mode;
        }

        return new Dictionary<string, object>
        {
            ["apiVersion"] = "autotune.dev/v1alpha1",
            ["kind"] = "ApiTuning",
            ["metadata"] = new Dictionary<string, object> { ["name"] = name },
            ["spec"] = spec,
        };
    }
}
