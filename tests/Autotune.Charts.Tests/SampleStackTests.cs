using Autotune.Contracts;
using Autotune.KubeApi.Authorization;
using Autotune.Operator.Kubernetes;
using k8s.Models;
using Xunit;

namespace Autotune.Charts.Tests;

public sealed class SampleStackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_api_reads_the_tuning_file_from_the_config_map_its_apituning_targets()
    {
        var rendered = await Rendered.OfAsync("sample-stack-with-apituning");
        var api = StrictManifests.Parse<V1Deployment>(rendered.OfKind("Deployment").Single(d => d.Name == "demo-sample-stack-api"));
        var tuning = rendered.Single("ApiTuning");
        var pod = api.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal(api.Metadata.Name, Yaml.Scalar(tuning.Root, "spec", "targetRef", "name"));
        var file = Assert.Single(container.Env, e => e.Name == AgentEnvironment.TuningFile).Value;
        var volume = Assert.Single(pod.Volumes, v => v.ConfigMap is not null);
        var mount = Assert.Single(container.VolumeMounts, m => m.Name == volume.Name);
        Assert.Equal($"{mount.MountPath}/{AgentEnvironment.ConfigMapKey}", file);
        // The volume the operator's HotReload port would add (same name, ConfigMap and path), so it finds it in place.
        Assert.Equal(KubernetesNames.TuningVolume, volume.Name);
        Assert.Equal(KubernetesNames.TuningConfigMap(Yaml.Scalar(tuning.Root, "metadata", "name")!), volume.ConfigMap.Name);
        Assert.Equal(KubernetesNames.DefaultTuningMountPath, mount.MountPath);
        Assert.True(volume.ConfigMap.Optional);
        Assert.True(mount.ReadOnlyProperty);
        var metricsPort = Assert.Single(container.Env, e => e.Name == AgentEnvironment.MetricsPort).Value;
        Assert.Equal(Yaml.Scalar(tuning.Root, "spec", "metrics", "port"), metricsPort);
        Assert.Contains(container.Ports, p => p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == metricsPort);
        Assert.Equal(Yaml.Scalar(tuning.Root, "spec", "apply", "maxSurge"), api.Spec.Strategy.RollingUpdate.MaxSurge.Value);
    }

    [Fact]
    public async Task The_api_gets_its_connection_strings_and_key_from_secrets_not_from_plain_values()
    {
        var rendered = await Rendered.OfAsync("sample-stack");
        var api = StrictManifests.Parse<V1Deployment>(rendered.OfKind("Deployment").Single(d => d.Name == "demo-sample-stack-api"));
        var env = Assert.Single(api.Spec.Template.Spec.Containers).Env;
        var secrets = rendered.OfKind("Secret").Select(StrictManifests.Parse<V1Secret>).ToList();

        foreach (var name in new[] { "ConnectionStrings__Postgres", "SampleApi__ApiKey" })
        {
            var reference = Assert.Single(env, e => e.Name == name).ValueFrom.SecretKeyRef;
            var secret = Assert.Single(secrets, s => s.Metadata.Name == reference.Name);
            Assert.Contains(reference.Key, secret.StringData.Keys);
        }

        Assert.Equal("demo-sample-stack-redis:6379", Assert.Single(env, e => e.Name == "ConnectionStrings__Redis").Value);
        Assert.StartsWith("Host=demo-sample-stack-postgres;", secrets.Single(s => s.Metadata.Name == "demo-sample-stack-postgres-credentials").StringData["app-connection-string"], StringComparison.Ordinal);
        Assert.Contains(rendered.OfKind("Service"), s => s.Name == "demo-sample-stack-postgres");
        Assert.Contains(rendered.OfKind("Service"), s => s.Name == "demo-sample-stack-redis");
    }

    [Fact]
    public async Task The_apituning_names_the_admin_secret_and_the_postgres_statefulset_the_chart_renders()
    {
        var rendered = await Rendered.OfAsync("sample-stack-with-apituning");
        var tuning = rendered.Single("ApiTuning").Root;
        var secretName = Yaml.Scalar(tuning, "spec", "postgres", "adminSecretRef", "name");
        var key = Yaml.Scalar(tuning, "spec", "postgres", "adminSecretRef", "key")!;

        var secret = StrictManifests.Parse<V1Secret>(rendered.OfKind("Secret").Single(s => s.Name == secretName));
        // The operator connects from its own namespace: the host must name the Service's namespace.
        Assert.StartsWith("Host=demo-sample-stack-postgres.demo.svc;Port=5432;Username=autotune;", secret.StringData[key], StringComparison.Ordinal);
        Assert.Equal("StatefulSet", Yaml.Scalar(tuning, "spec", "postgres", "workloadRef", "kind"));
        Assert.Contains(rendered.OfKind("StatefulSet"), s => s.Name == Yaml.Scalar(tuning, "spec", "postgres", "workloadRef", "name"));
        Assert.Empty((await Rendered.OfAsync("sample-stack")).OfKind("ApiTuning"));
    }

    [Fact]
    public async Task The_target_admin_secret_and_postgres_statefulset_opt_in_to_the_apituning_that_names_them()
    {
        var rendered = await Rendered.OfAsync("sample-stack-with-apituning");
        var tuning = rendered.Single("ApiTuning").Root;
        var name = Yaml.Scalar(tuning, "metadata", "name")!;
        var target = StrictManifests.Parse<V1Deployment>(rendered.OfKind("Deployment").Single(d => d.Name == Yaml.Scalar(tuning, "spec", "targetRef", "name")));
        var secret = StrictManifests.Parse<V1Secret>(rendered.OfKind("Secret").Single(s => s.Name == Yaml.Scalar(tuning, "spec", "postgres", "adminSecretRef", "name")));
        var database = StrictManifests.Parse<V1StatefulSet>(rendered.OfKind("StatefulSet").Single(s => s.Name == Yaml.Scalar(tuning, "spec", "postgres", "workloadRef", "name")));

        // Without the opt-in the operator refuses to use them (docs/security.md).
        Assert.True(OptIn.Allows(target.Metadata, name), "the API's Deployment lets the ApiTuning tune it");
        Assert.True(OptIn.Allows(secret.Metadata, name), "the admin Secret lets the ApiTuning use it");
        Assert.True(OptIn.Allows(database.Metadata, name), "the PostgreSQL StatefulSet lets the ApiTuning restart it");
        var credentials = StrictManifests.Parse<V1Secret>(rendered.OfKind("Secret").Single(s => s.Name == "demo-sample-stack-postgres-credentials"));
        Assert.False(OptIn.Allows(credentials.Metadata, name), "the other Secrets are not offered to the ApiTuning");
    }

    [Fact]
    public async Task The_ready_to_apply_example_is_what_the_chart_renders_for_the_demo_release()
    {
        var example = Yaml.Parse(await File.ReadAllTextAsync(Path.Combine(Helm.RepoRoot, "charts", "sample-stack", "examples", "apituning.yaml"), Ct));
        var rendered = (await Rendered.OfAsync("sample-stack-with-apituning")).Single("ApiTuning").Root;

        Assert.True(
            System.Text.Json.Nodes.JsonNode.DeepEquals(YamlJson.Convert(rendered), YamlJson.Convert(example)),
            "charts/sample-stack/examples/apituning.yaml differs from the chart's ApiTuning for release demo in namespace demo");
    }

    [Fact]
    public async Task Postgres_keeps_max_connections_off_the_command_line_so_alter_system_takes_effect()
    {
        var rendered = await Rendered.OfAsync("sample-stack");
        var postgres = Assert.Single(StrictManifests.Parse<V1StatefulSet>(rendered.Single("StatefulSet")).Spec.Template.Spec.Containers);

        Assert.DoesNotContain(postgres.Args ?? [], a => a.Contains("max_connections", StringComparison.Ordinal));
        Assert.DoesNotContain(postgres.Command ?? [], a => a.Contains("max_connections", StringComparison.Ordinal));
        Assert.Equal("--set=max_connections=100", Assert.Single(postgres.Env, e => e.Name == "POSTGRES_INITDB_ARGS").Value);
        Assert.Contains(postgres.VolumeMounts, m => m.MountPath == "/docker-entrypoint-initdb.d");
        Assert.All(postgres.Env.Where(e => e.Name.EndsWith("PASSWORD", StringComparison.Ordinal)), e => Assert.NotNull(e.ValueFrom.SecretKeyRef));
    }
}
