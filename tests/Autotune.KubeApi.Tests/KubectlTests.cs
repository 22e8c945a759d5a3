using Autotune.KubeApi.Resources;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>The kubectl commands of the README and docs/install.md, run with the real kubectl against the test server.</summary>
public sealed class KubectlTests
{
    private const string Group = "autotune.dev";
    private const string Version = "v1alpha1";
    private const string Plural = "apitunings";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kubectl_applies_the_CRD_and_the_examples_with_validation_on()
    {
        await using var clients = await RealClients.StartAsync();

        var crds = await clients.KubectlOkAsync("apply", "-f", "crds/");
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/apitunings.autotune.dev created", crds);
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/databasebudgets.autotune.dev created", crds);
        Assert.Contains("namespace/shop created", await clients.KubectlOkAsync("create", "namespace", "shop"));
        var applied = await clients.KubectlOkAsync("apply", "-f", "crds/examples/");
        Assert.Contains("apituning.autotune.dev/orders created", applied);
        Assert.Contains("apituning.autotune.dev/orders-pooled created", applied);
        Assert.Contains("databasebudget.autotune.dev/shop-postgres created", applied);

        var stored = clients.Cluster.Server.Store.List(clients.Cluster.Server.Catalog.Find(Group, Version, Plural)!, null).Items;
        Assert.Equal(3, stored.Count);
        Assert.Contains(stored, o => (string?)o["metadata"]?["namespace"] == "shop");
        Assert.Contains(stored, o => (string?)o["metadata"]?["namespace"] == clients.Cluster.Namespace);

        // Applying again changes nothing: the merge patch kubectl computes is empty.
        Assert.Contains("apituning.autotune.dev/orders unchanged", await clients.KubectlOkAsync("apply", "-f", "crds/examples/minimal.yaml"));
        Assert.Contains("unchanged", await clients.KubectlOkAsync("apply", "-f", "crds/apituning.yaml"));
    }

    [Fact]
    public async Task Kubectl_strict_validation_refuses_an_unknown_field_warn_warns_and_false_prunes()
    {
        await using var clients = await RealClients.StartAsync();
        await clients.KubectlOkAsync("apply", "-f", "crds/apituning.yaml");
        var withUnknown = (await File.ReadAllTextAsync(RepoFiles.Path("crds", "examples", "minimal.yaml"), Ct)).Replace("spec:\n", "spec:\n  bogus: 1\n", StringComparison.Ordinal);

        var strict = await clients.KubectlWithInputAsync(withUnknown, "apply", "-f", "-");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("""ApiTuning in version "v1alpha1" cannot be handled as a ApiTuning: strict decoding error: unknown field "spec.bogus""", strict.Error);

        var warned = await clients.KubectlWithInputAsync(withUnknown, "apply", "--validate=warn", "-f", "-");
        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.Contains("""Warning: unknown field "spec.bogus""", warned.Error);

        await clients.KubectlOkAsync("delete", "apituning", "orders");
        var ignored = await clients.KubectlWithInputAsync(withUnknown, "apply", "--validate=false", "-f", "-");
        Assert.True(ignored.ExitCode == 0, ignored.ToString());
        Assert.DoesNotContain("Warning", ignored.Error, StringComparison.Ordinal);
        var stored = await clients.KubectlOkAsync("get", "apituning", "orders", "-o", "jsonpath={.spec}");
        Assert.DoesNotContain("bogus", stored, StringComparison.Ordinal);
        Assert.Contains("orders-api", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_strict_validation_names_unknown_fields_of_built_in_kinds()
    {
        await using var clients = await RealClients.StartAsync();
        const string configMap = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, colour: blue}
            data: {a: b}
            extra: 2
            """;

        var strict = await clients.KubectlWithInputAsync(configMap, "create", "-f", "-");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("""ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "extra", unknown field "metadata.colour""", strict.Error);

        // A field every Deployment has is known: KubernetesClient's models carry the whole schema.
        var deployment = KubernetesYaml.Serialize(Objects.Deployment("web"));
        var applied = await clients.KubectlWithInputAsync(deployment, "apply", "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("deployment.apps/web created", applied.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", applied.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_get_shows_the_printer_columns_and_watch_prints_each_change()
    {
        await using var clients = await RealClients.StartAsync();
        await clients.KubectlOkAsync("apply", "-f", "crds/apituning.yaml");
        await clients.KubectlOkAsync("apply", "-f", "crds/examples/minimal.yaml");

        var table = (await clients.KubectlOkAsync("get", "apituning")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "TARGET", "MODE", "BOTTLENECK", "P99", "REPLICAS", "MINTHREADS", "POOL", "MAXCONN", "AGE"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("orders", table[1], StringComparison.Ordinal);
        Assert.Contains("orders-api", table[1], StringComparison.Ordinal);

        using var watch = Kubectl(clients, "get", "apituning", "-w");
        await watch.WaitForLineAsync(l => l.StartsWith("orders", StringComparison.Ordinal), TimeSpan.FromSeconds(30), Ct);
        await clients.Cluster.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"bottleneck":"PoolExhaustion","observed":{"p99Ms":183.5},"current":{"replicas":3,"threadPoolMinThreads":64,"dbMaxPoolSize":24,"postgresMaxConnections":200}}}""", V1Patch.PatchType.MergePatch),
            Group, Version, clients.Cluster.Namespace, Plural, "orders", cancellationToken: Ct);
        var changed = await watch.WaitForLineAsync(l => l.Contains("PoolExhaustion", StringComparison.Ordinal), TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(["orders", "orders-api", "Auto", "PoolExhaustion", "183.5", "3", "64", "24", "200"], changed.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..9]);
    }

    [Fact]
    public async Task Kubectl_get_prints_the_usual_columns_of_built_in_kinds()
    {
        await using var clients = await RealClients.StartAsync();
        await clients.Cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web", replicas: 3), clients.Cluster.Namespace, cancellationToken: Ct);

        var namespaces = await clients.KubectlOkAsync("get", "namespaces");
        Assert.Matches(@"(?m)^NAME\s+STATUS\s+AGE$", namespaces);
        Assert.Matches(@$"(?m)^{clients.Cluster.Namespace}\s+Active\s+\d+s$", namespaces);

        var deployments = await clients.KubectlOkAsync("get", "deployments", "-o", "wide");
        Assert.Matches(@"(?m)^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES", deployments);
        Assert.Matches(@"(?m)^web\s+0/3\s+0\s+0\s+\d+s\s+api\s+orders:1", deployments);
    }

    [Fact]
    public async Task Kubectl_apply_of_a_changed_Deployment_patches_it_strategically()
    {
        await using var clients = await RealClients.StartAsync();
        const string deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - {name: api, image: "orders:1", env: [{name: A, value: "1"}, {name: B, value: "2"}]}
                  - {name: proxy, image: "proxy:1"}
            """;
        await clients.KubectlWithInputAsync(deployment, "apply", "-f", "-");

        var changed = deployment.Replace("orders:1", "orders:2", StringComparison.Ordinal).Replace(", {name: B, value: \"2\"}", string.Empty, StringComparison.Ordinal);
        var applied = await clients.KubectlWithInputAsync(changed, "apply", "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("deployment.apps/web configured", applied.Output, StringComparison.Ordinal);

        var stored = await clients.Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", clients.Cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(["orders:2", "proxy:1"], stored.Spec.Template.Spec.Containers.Select(c => c.Image));
        Assert.Equal(["A"], stored.Spec.Template.Spec.Containers[0].Env.Select(e => e.Name));
        Assert.Matches(@"(?m)^deployment\.apps/web\s+0/2\s+0\s+0\s+\d+s$", await clients.KubectlOkAsync("get", "all"));
    }

    [Fact]
    public async Task Kubectl_explain_describes_custom_and_built_in_fields()
    {
        await using var clients = await RealClients.StartAsync();
        await clients.KubectlOkAsync("apply", "-f", "crds/apituning.yaml");

        var spec = await clients.KubectlOkAsync("explain", "apituning.spec");
        Assert.Contains("KIND:       ApiTuning", spec, StringComparison.Ordinal);
        Assert.Contains("FIELD: spec <Object>", spec, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  knobs\t<Object>$", spec);
        Assert.Matches(@"(?m)^  mode\t<string>$", spec);

        var metadata = await clients.KubectlOkAsync("explain", "apituning.metadata.labels");
        Assert.Contains("FIELD: labels <map[string]string>", metadata, StringComparison.Ordinal);

        var replicas = await clients.KubectlOkAsync("explain", "deployment.spec.replicas");
        Assert.Contains("FIELD: replicas <integer>", replicas, StringComparison.Ordinal);
        Assert.Contains("Number of desired pods", replicas, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_create_sends_protobuf_bodies_that_the_server_reads()
    {
        await using var clients = await RealClients.StartAsync();

        Assert.Contains("namespace/orders created", await clients.KubectlOkAsync("create", "namespace", "orders"));
        var ns = clients.Cluster.Server.Store.Get(BuiltInResources.Namespaces, string.Empty, "orders");
        Assert.Equal("orders", (string?)ns["metadata"]?["name"]);
        Assert.Null(ns["metadata"]?["generateName"]);
        Assert.Equal("Active", (string?)ns["status"]?["phase"]);

        await clients.KubectlOkAsync("create", "secret", "generic", "pg-admin", "--from-literal=connectionString=Host=db;Username=admin");
        var secret = await clients.Cluster.Client.CoreV1.ReadNamespacedSecretAsync("pg-admin", clients.Cluster.Namespace, cancellationToken: Ct);
        Assert.Equal("Host=db;Username=admin", System.Text.Encoding.UTF8.GetString(secret.Data["connectionString"]));

        await clients.KubectlOkAsync("create", "configmap", "tuning", "--from-literal=tuning.json={}");
        var configMap = await clients.Cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("tuning", clients.Cluster.Namespace, cancellationToken: Ct);
        Assert.Equal("{}", configMap.Data["tuning.json"]);

        // A kind whose protobuf this server does not read is refused by name, not misread.
        var deployment = await clients.KubectlAsync("create", "deployment", "web", "--image=orders:1");
        Assert.NotEqual(0, deployment.ExitCode);
        Assert.Contains("got apps/v1/Deployment", deployment.Error, StringComparison.Ordinal);
    }

    private static Cli.CliStream Kubectl(RealClients clients, params string[] arguments) => Cli.Kubectl.Start(clients.Config, arguments);
}
