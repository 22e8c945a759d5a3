using Autotune.Contracts;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Local;
using Autotune.Operator.Ports;
using k8s;
using Xunit;
using static Autotune.Operator.Tests.Kubernetes.KubeTestCluster;

namespace Autotune.Operator.Tests.Kubernetes;

public sealed class SettingsApplierTests
{
    [Fact]
    public async Task HotReload_creates_an_owned_configmap_and_wires_the_deployment_once_with_an_event()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        var owner = await cluster.CreateApiTuningAsync("orders", Spec());
        var ports = KubernetesPorts.Create(cluster.OperatorClient, owner, new KubernetesPortOptions { Http = new HttpClient() });
        var applier = Assert.IsType<ConfigMapSettingsApplier>(ports.Settings);
        Assert.Null(await applier.ReadAsync(Ct));

        await applier.ApplyAsync(new TuningFile(1, 64, null), Ct);
        await applier.ApplyAsync(new TuningFile(2, 64, 30), Ct);

        var map = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("orders-autotune", cluster.Namespace, cancellationToken: Ct);
        var reference = Assert.Single(map.Metadata.OwnerReferences);
        Assert.Equal(("autotune.dev/v1alpha1", "ApiTuning", "orders", owner.Metadata.Uid, true), (reference.ApiVersion, reference.Kind, reference.Name, reference.Uid, reference.Controller));
        Assert.Equal(new TuningFile(2, 64, 30), await applier.ReadAsync(Ct));

        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders-api", cluster.Namespace, cancellationToken: Ct);
        var pod = deployment.Spec.Template.Spec;
        var volume = Assert.Single(pod.Volumes);
        Assert.Equal((KubernetesNames.TuningVolume, "orders-autotune"), (volume.Name, volume.ConfigMap.Name));
        var mount = Assert.Single(pod.Containers[0].VolumeMounts);
        Assert.Equal((KubernetesNames.TuningVolume, "/etc/autotune", true), (mount.Name, mount.MountPath, mount.ReadOnlyProperty));
        var env = Assert.Single(pod.Containers[0].Env);
        Assert.Equal((AgentEnvironment.TuningFile, "/etc/autotune/tuning.json"), (env.Name, env.Value));
        Assert.Equal(1, cluster.Server.Requests.Count("patch", "/deployments/orders-api"));
        Assert.Equal(2, deployment.Metadata.Generation);

        var events = await cluster.Client.EventsV1.ListNamespacedEventAsync(cluster.Namespace, cancellationToken: Ct);
        var added = Assert.Single(events.Items, e => e.Reason == "TuningVolumeAdded");
        Assert.Equal(("ApiTuning", "orders", KubernetesNames.ReportingController), (added.Regarding.Kind, added.Regarding.Name, added.ReportingController));
        Assert.Contains("AUTOTUNE_TUNING_FILE=/etc/autotune/tuning.json", added.Note, StringComparison.Ordinal);
        Assert.Single(events.Items, e => e.Reason == "TuningConfigMapCreated");
    }

    [Fact]
    public void HotReload_keeps_its_owners_identity_not_the_resource_it_was_created_from()
    {
        // A session's applier lives as long as its ApiTuning; the object it was created from must not stay reachable
        // through it beside the watch cache's newer copies (one whole resource per ApiTuning, spec and status).
        var (applier, created) = Create();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(created.IsAlive);
        Assert.Equal("orders-autotune", applier.ConfigMapName);
        GC.KeepAlive(applier);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static (ConfigMapSettingsApplier, WeakReference) Create()
        {
            var owner = new ApiTuningResource
            {
                Metadata = new k8s.Models.V1ObjectMeta { Name = "orders", NamespaceProperty = "shop", Uid = "7d0c1f5e" },
                Spec = Spec(),
            };
            using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
            var applier = new ConfigMapSettingsApplier(client, owner, "orders-api", "/etc/autotune", new ConsoleStatusWriter(TextWriter.Null, null), TimeProvider.System);
            return (applier, new WeakReference(owner));
        }
    }

    [Fact]
    public async Task HotReload_leaves_a_deployment_that_already_mounts_the_tuning_file_alone()
    {
        await using var cluster = await StartAsync();
        var deployment = Deployment("orders-api", 2);
        var container = deployment.Spec.Template.Spec.Containers[0];
        container.Env = [new k8s.Models.V1EnvVar { Name = AgentEnvironment.TuningFile, Value = "/etc/autotune/tuning.json" }];
        container.VolumeMounts = [new k8s.Models.V1VolumeMount { Name = KubernetesNames.TuningVolume, MountPath = "/etc/autotune" }];
        deployment.Spec.Template.Spec.Volumes = [new k8s.Models.V1Volume { Name = KubernetesNames.TuningVolume, ConfigMap = new k8s.Models.V1ConfigMapVolumeSource { Name = "orders-autotune" } }];
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, cluster.Namespace, cancellationToken: Ct);
        var owner = await cluster.CreateApiTuningAsync("orders", Spec());
        var ports = KubernetesPorts.Create(cluster.OperatorClient, owner, new KubernetesPortOptions { Http = new HttpClient() });

        await ports.Settings.ApplyAsync(new TuningFile(1, 32, null), Ct);

        Assert.Equal(0, cluster.Server.Requests.Count("patch", "/deployments/"));
        var events = await cluster.Client.EventsV1.ListNamespacedEventAsync(cluster.Namespace, cancellationToken: Ct);
        Assert.DoesNotContain(events.Items, e => e.Reason == "TuningVolumeAdded");
    }

    [Fact]
    public async Task RollingRestart_sets_the_runtime_min_threads_in_hex_and_the_named_pool_variable_on_the_pod_template()
    {
        await using var cluster = await StartAsync();
        var deployment = Deployment("orders-api", 2);
        deployment.Spec.Template.Spec.Containers[0].Env = [new k8s.Models.V1EnvVar { Name = "DB_POOL", Value = "10" }, new k8s.Models.V1EnvVar { Name = "OTHER", Value = "x" }];
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, cluster.Namespace, cancellationToken: Ct);
        var owner = await cluster.CreateApiTuningAsync("orders", Spec(change: s => s with { Apply = new ApplySpec { Method = ApplyMethod.RollingRestart, PoolSizeEnvVar = "DB_POOL" } }));
        var ports = KubernetesPorts.Create(cluster.OperatorClient, owner, new KubernetesPortOptions { Http = new HttpClient() });
        var applier = Assert.IsType<PodTemplateEnvApplier>(ports.Settings);

        await applier.ApplyAsync(new TuningFile(3, 100, 40), Ct);

        var read = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders-api", cluster.Namespace, cancellationToken: Ct);
        var env = read.Spec.Template.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(new Dictionary<string, string> { ["DB_POOL"] = "40", ["OTHER"] = "x", [KubernetesNames.ForceMinWorkerThreads] = "0x64" }, env);
        Assert.Equal("3", read.Spec.Template.Metadata.Annotations[KubernetesNames.TuningGeneration]);
        Assert.Equal(2, read.Metadata.Generation); // one template change: one rollout
        Assert.Equal(new TuningFile(3, 100, 40), await applier.ReadAsync(Ct));

        await applier.ApplyAsync(new TuningFile(3, 100, 40), Ct);
        Assert.Equal(1, cluster.Server.Requests.Count("patch", "/deployments/orders-api"));
    }

    [Fact]
    public async Task RollingRestart_carries_the_shedding_deadline_to_the_agents_variable_so_new_pods_shed_from_their_first_request()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        ISettingsApplier applier = new PodTemplateEnvApplier(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", poolSizeEnvVar: null);

        await applier.ApplyAsync(new TuningFile(2, 18, null, ShedAfterMilliseconds: 200), Ct);

        var read = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders-api", cluster.Namespace, cancellationToken: Ct);
        var env = read.Spec.Template.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("200", env[AgentEnvironment.ShedAfterMilliseconds]);
        Assert.Equal(new TuningFile(2, 18, null, ShedAfterMilliseconds: 200), await applier.ReadAsync(Ct));
    }

    [Fact]
    public async Task RollingRestart_refuses_a_pool_size_when_no_env_var_is_named()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        ISettingsApplier applier = new PodTemplateEnvApplier(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", poolSizeEnvVar: null);

        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => applier.ApplyAsync(new TuningFile(1, null, 40), Ct));

        Assert.Contains("poolSizeEnvVar", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Server.Requests.Count("patch", "/deployments/"));
    }

    [Theory]
    [InlineData(100, "0x64")]
    [InlineData(32, "0x20")]
    [InlineData(1, "0x1")]
    public void Min_threads_are_written_as_the_hex_the_runtime_parses(int threads, string value)
    {
        Assert.Equal(value, PodTemplateEnvApplier.FormatMinThreads(threads));
        Assert.Equal(threads, PodTemplateEnvApplier.ParseMinThreads(value));
    }

    [Fact]
    public void A_bare_number_in_the_runtime_variable_reads_as_hex_as_the_runtime_reads_it()
    {
        Assert.Equal(256, PodTemplateEnvApplier.ParseMinThreads("100"));
        Assert.Equal(31, PodTemplateEnvApplier.ParseMinThreads("1f"));
        Assert.Null(PodTemplateEnvApplier.ParseMinThreads("lots"));
    }
}
