using System.Net;
using System.Text.Json.Nodes;
using Autotune.KubeApi;
using Autotune.KubeApi.Authorization;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Tests.Kubernetes.Scenarios;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Autotune.Charts.Tests;

/// <summary>
/// The K3s suite (K3sScenarioTests in Autotune.Operator.Tests) runs only where Docker is: what it builds and installs
/// is checked here, without Docker. The images come from Dockerfiles in the build context, and the charts rendered
/// with the suite's own values (K3sInstall, compiled into both projects) run those images, never pulled, under the
/// names, labels, ports and settings the suite waits for and asserts.
/// </summary>
public sealed class K3sInstallTests
{
    public static TheoryData<string> Images() => new(K3sInstall.Operator.Repository, K3sInstall.SampleApi.Repository);

    [Theory]
    [MemberData(nameof(Images))]
    public void The_images_the_K3s_suite_builds_come_from_Dockerfiles_inside_its_build_context(string repository)
    {
        var image = new[] { K3sInstall.Operator, K3sInstall.SampleApi }.Single(i => i.Repository == repository);
        var context = Path.GetFullPath(Path.Combine(Helm.RepoRoot, K3sInstall.BuildContext));
        var dockerfile = Path.GetFullPath(Path.Combine(context, image.Dockerfile));

        Assert.Equal(Path.TrimEndingDirectorySeparator(Helm.RepoRoot), Path.TrimEndingDirectorySeparator(context));
        Assert.True(File.Exists(dockerfile), $"{dockerfile} does not exist");
        Assert.StartsWith(context + Path.DirectorySeparatorChar, dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(context, ".dockerignore")), "the build context has no .dockerignore: bin, obj and .tools would be sent");
        Assert.Matches("^[a-z0-9]+(?:[._-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", image.Name);
    }

    [Fact]
    public async Task The_operator_chart_with_the_K3s_values_runs_the_loaded_image_never_pulled_as_the_suite_expects()
    {
        var rendered = await Rendered.OfAsync(ChartCase.K3sOperator);
        var deployment = StrictManifests.Parse<V1Deployment>(rendered.Single("Deployment"));
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal((K3sInstall.OperatorName, K3sInstall.OperatorNamespace), (deployment.Metadata.Name, deployment.Metadata.NamespaceProperty));
        Assert.Equal((K3sInstall.Operator.Name, "Never"), (container.Image, container.ImagePullPolicy));
        Assert.Equal(Selector(K3sInstall.OperatorSelector), deployment.Spec.Selector.MatchLabels);
        Assert.Equal(K3sInstall.OperatorName, pod.ServiceAccountName);
        Assert.Contains(rendered.OfKind("ServiceAccount"), s => s.Name == K3sInstall.OperatorName);
        Assert.Contains(rendered.OfKind("CustomResourceDefinition"), c => c.Name == "apitunings.autotune.dev");
        Assert.Equal(K3sInstall.OperatorHealthPort, Assert.Single(container.Ports).ContainerPort);
        Assert.Equal(("/healthz", "/readyz"), (container.LivenessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Path));
        Assert.Equal((true, K3sInstall.AppUid, "RuntimeDefault"), (pod.SecurityContext.RunAsNonRoot, pod.SecurityContext.RunAsUser, pod.SecurityContext.SeccompProfile.Type));
        Assert.Equal((true, false), (container.SecurityContext.ReadOnlyRootFilesystem, container.SecurityContext.AllowPrivilegeEscalation));
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
    }

    [Fact]
    public async Task The_sample_stack_with_the_K3s_values_runs_the_loaded_image_and_renders_the_ApiTuning_the_suite_waits_for()
    {
        var c = ChartCase.Named(ChartCase.K3sRecommendStack);
        var rendered = await Rendered.OfAsync(c.Name);
        var api = K3sInstall.Api(c.Release);
        var deployment = StrictManifests.Parse<V1Deployment>(rendered.OfKind("Deployment").Single(d => d.Name == api));
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        var tuning = rendered.Single("ApiTuning");
        var credentials = StrictManifests.Parse<V1Secret>(rendered.OfKind("Secret").Single(s => s.Name == K3sInstall.Postgres(c.Release) + "-credentials"));
        var postgres = Assert.Single(StrictManifests.Parse<V1StatefulSet>(rendered.OfKind("StatefulSet").Single(s => s.Name == K3sInstall.Postgres(c.Release))).Spec.Template.Spec.Containers);
        var service = StrictManifests.Parse<V1Service>(rendered.OfKind("Service").Single(s => s.Name == api));

        Assert.Equal((K3sInstall.SampleApi.Name, "Never"), (container.Image, container.ImagePullPolicy));
        Assert.Equal(K3sInstall.ApiReplicas, deployment.Spec.Replicas);
        Assert.Equal((c.Release, "api"), (deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/instance"], deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/component"]));
        Assert.Equal(K3sInstall.MetricsPort, container.Ports.Single(p => p.Name == "metrics").ContainerPort);
        Assert.Contains(service.Spec.Ports, p => p.Name == "http");
        Assert.Equal(K3sInstall.ApiKey, credentials.StringData["api-key"]);
        Assert.Equal($"--set=max_connections={K3sInstall.MaxConnections}", postgres.Env.Single(e => e.Name == "POSTGRES_INITDB_ARGS").Value);
        Assert.Equal((api, "Recommend", api), (tuning.Name, Yaml.Scalar(tuning.Root, "spec", "mode"), Yaml.Scalar(tuning.Root, "spec", "targetRef", "name")));
        Assert.Equal(K3sInstall.MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Yaml.Scalar(tuning.Root, "spec", "metrics", "port"));
        Assert.Equal(K3sInstall.Postgres(c.Release), Yaml.Scalar(tuning.Root, "spec", "postgres", "workloadRef", "name"));
        Assert.Equal(KubernetesNames.TuningConfigMap(api), TuningVolume(deployment));
    }

    [Fact]
    public async Task The_sample_stack_without_its_ApiTuning_mounts_the_ConfigMap_of_the_ApiTuning_the_HPA_scenario_creates()
    {
        var c = ChartCase.Named(ChartCase.K3sHpaStack);
        var rendered = await Rendered.OfAsync(c.Name);
        var api = K3sInstall.Api(c.Release);
        var deployment = StrictManifests.Parse<V1Deployment>(rendered.OfKind("Deployment").Single(d => d.Name == api));

        Assert.Empty(rendered.OfKind("ApiTuning"));
        Assert.Equal((K3sInstall.SampleApi.Name, K3sInstall.ApiReplicas), (Assert.Single(deployment.Spec.Template.Spec.Containers).Image, deployment.Spec.Replicas));
        Assert.Equal(KubernetesNames.TuningConfigMap(api), TuningVolume(deployment));
    }

    [Fact]
    public async Task The_operator_reaches_the_stacks_database_by_a_name_that_resolves_from_its_own_namespace()
    {
        var c = ChartCase.Named(ChartCase.K3sRecommendStack);
        var rendered = await Rendered.OfAsync(c.Name);
        var tuning = rendered.Single("ApiTuning");
        var secret = StrictManifests.Parse<V1Secret>(rendered.OfKind("Secret").Single(s => s.Name == Yaml.Scalar(tuning.Root, "spec", "postgres", "adminSecretRef", "name")));
        var host = new Npgsql.NpgsqlConnectionStringBuilder(secret.StringData[Yaml.Scalar(tuning.Root, "spec", "postgres", "adminSecretRef", "key")!]).Host;

        Assert.NotEqual(K3sInstall.OperatorNamespace, c.Namespace);
        Assert.Equal($"{K3sInstall.Postgres(c.Release)}.{c.Namespace}.svc", host);
        Assert.Contains(rendered.OfKind("Service"), s => s.Name == K3sInstall.Postgres(c.Release));
    }

    [Fact]
    public async Task The_K3s_scenarios_ApiTunings_meet_the_chart_CRD_as_each_scenario_expects()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await KubeApiServer.StartAsync(new KubeApiServerOptions { Namespaces = ["default"] }, ct);
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
        var crd = await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(Path.Combine(Helm.RepoRoot, "charts", "autotune", "crds", "apituning.yaml"));
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: ct);
        Task<object> CreateAsync(string name, string spec) => client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new JsonObject
            {
                ["apiVersion"] = "autotune.dev/v1alpha1",
                ["kind"] = "ApiTuning",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["spec"] = JsonNode.Parse(spec),
            }, "autotune.dev", "v1alpha1", "default", "apitunings", cancellationToken: ct);

        var hpa = JsonNode.Parse(KubernetesJson.Serialize(await CreateAsync("hpa", K3sInstall.HpaScenarioSpec(K3sInstall.Api("orders")))))!;
        await CreateAsync("invalid", K3sInstall.OperatorInvalidSpec);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => CreateAsync("schema", K3sInstall.SchemaInvalidSpec));

        var missing = new List<string>();
        Assert.True(YamlJson.Contains(hpa["spec"], JsonNode.Parse(K3sInstall.HpaScenarioSpec(K3sInstall.Api("orders"))), "spec", missing), $"pruned or changed: {string.Join(", ", missing)}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("spec.mode", refused.Response.Content, StringComparison.Ordinal);
    }

    /// <summary>The ConfigMap the pods mount as the agent's tuning file.</summary>
    private static string TuningVolume(V1Deployment deployment)
    {
        var pod = deployment.Spec.Template.Spec;
        var mount = Assert.Single(Assert.Single(pod.Containers).VolumeMounts, m => m.MountPath == "/etc/autotune");
        return pod.Volumes.Single(v => v.Name == mount.Name).ConfigMap.Name;
    }

    private static Dictionary<string, string> Selector(string selector) =>
        selector.Split(',').Select(pair => pair.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
}
