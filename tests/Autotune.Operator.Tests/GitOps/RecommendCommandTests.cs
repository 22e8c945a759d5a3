using Autotune.Operator.Cli;
using Autotune.Operator.GitOps;
using k8s;
using k8s.Models;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Autotune.Operator.Tests.GitOps;

public sealed class RecommendCommandTests
{
    private const string Spec = """
        apiVersion: autotune.dev/v1alpha1
        kind: ApiTuning
        metadata:
          name: orders
          namespace: shop
          managedFields: [{manager: autotune, operation: Update}]
        spec:
          targetRef: {kind: Deployment, name: orders-api}
          mode: MODE
          objectives: {p99LatencyMs: 200}
          knobs:
            replicas: {min: 2, max: 8}
            threadPoolMinThreads: {min: 2, max: 256}
            dbMaxPoolSize: {min: 2, max: 40}
            postgresMaxConnections: {min: 20, max: 200}
          apply: {method: RollingRestart, poolSizeEnvVar: DB_POOL}
        """;

    private const string CurrentStatus = """
        status:
          current: {replicas: 3, threadPoolMinThreads: 18, dbMaxPoolSize: 14, postgresMaxConnections: 40}
        """;

    [Fact]
    public void The_current_settings_become_a_strategic_merge_patch_of_the_target_and_the_sample_stack_charts_values()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = RecommendCommand.Run(Spec.Replace("MODE", "Auto", StringComparison.Ordinal) + "\n" + CurrentStatus, RecommendationSource.Auto, null, "all", [], output, error);

        Assert.Equal(0, code);
        Assert.Empty(error.ToString());
        var text = output.ToString();
        var kustomize = Section(text, "# --- kustomize", "# --- Helm");
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(kustomize);
        Assert.Equal(("orders-api", "shop", 3), (deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, deployment.Spec.Replicas));
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("orders-api", container.Name);
        Assert.Equal(
            new Dictionary<string, string> { ["DOTNET_ThreadPool_ForceMinWorkerThreads"] = "0x12", ["DB_POOL"] = "14" },
            container.Env.ToDictionary(e => e.Name, e => e.Value));
        var values = Yaml(Section(text, "# --- Helm", null));
        Assert.Equal("3", Scalar(values, "api", "replicas"));
        Assert.Equal("14", Scalar(values, "api", "initialMaxPoolSize"));
        Assert.Equal("40", Scalar(values, "postgres", "maxConnections"));
        Assert.Contains("# autotune recommend: status.current of ApiTuning shop/orders", text, StringComparison.Ordinal);
        Assert.Contains("ALTER SYSTEM SET max_connections = 40", text, StringComparison.Ordinal);
        Assert.Contains("no Helm value path for threadPoolMinThreads", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Recommend_mode_commits_what_the_operator_recommends_and_only_the_knobs_the_spec_manages()
    {
        var yaml = Spec.Replace("MODE", "Recommend", StringComparison.Ordinal)
            .Replace("    threadPoolMinThreads: {min: 2, max: 256}\n", string.Empty, StringComparison.Ordinal)
            .Replace("apply: {method: RollingRestart, poolSizeEnvVar: DB_POOL}", "apply: {method: HotReload}", StringComparison.Ordinal) + """

            status:
              current: {replicas: 2, threadPoolMinThreads: 2, dbMaxPoolSize: 4, postgresMaxConnections: 20}
              recommended: {replicas: 4, threadPoolMinThreads: 36, dbMaxPoolSize: 10, postgresMaxConnections: 60}
            """;
        var tuning = KubernetesJson.Deserialize<Autotune.Operator.Kubernetes.ApiTuningResource>(YamlToJson.FirstDocument(yaml)!.ToJsonString());

        var patch = GitOpsRecommendation.Render(tuning, RecommendationSource.Auto, "api", GitOpsRecommendation.SampleStackValues);

        Assert.Equal("status.recommended of ApiTuning shop/orders", patch.Source);
        Assert.Equal((4, (int?)null, 10, 60), (patch.Values.Replicas!.Value, patch.Values.ThreadPoolMinThreads, patch.Values.DbMaxPoolSize!.Value, patch.Values.PostgresMaxConnections!.Value));
        var deployment = KubernetesYaml.Deserialize<V1Deployment>(patch.Kustomize);
        Assert.Equal(4, deployment.Spec.Replicas);
        Assert.Null(deployment.Spec.Template); // no env: threads are not managed, and the pool has no env var
        Assert.Contains(patch.Notes, n => n.Contains("pool size 10", StringComparison.Ordinal) && n.Contains("spec.apply.poolSizeEnvVar", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_paths_place_each_knob_in_the_values_and_the_container_is_the_one_named()
    {
        var output = new StringWriter();

        var code = RecommendCommand.Run(Spec.Replace("MODE", "Auto", StringComparison.Ordinal) + "\n" + CurrentStatus, RecommendationSource.Current, "web", "helm",
            ["replicas=orders.replicaCount", "threadPoolMinThreads=orders.env.minThreads"], output, new StringWriter());

        Assert.Equal(0, code);
        var text = output.ToString();
        Assert.DoesNotContain("kind: Deployment", text, StringComparison.Ordinal);
        var values = Yaml(Section(text, "# --- Helm", null));
        Assert.Equal("3", Scalar(values, "orders", "replicaCount"));
        Assert.Equal("18", Scalar(values, "orders", "env", "minThreads"));
        Assert.Contains("no Helm value path for dbMaxPoolSize", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n", "Current", "", "the input is a Deployment, not an ApiTuning")]
    [InlineData("SPEC", "Current", "", "ApiTuning shop/orders has no status.current yet")]
    [InlineData("SPEC", "Recommended", "", "ApiTuning shop/orders has no status.recommended")]
    [InlineData("SPEC+STATUS", "Current", "pool=a.b", "--helm-value pool=a.b: expected knob=a.b.c")]
    [InlineData("spec: [unclosed", "Current", "", "autotune recommend:")]
    public void Input_it_cannot_use_is_refused_with_exit_code_2_and_a_message_naming_why(string input, string from, string helmValue, string message)
    {
        var text = input.Replace("SPEC+STATUS", Spec.Replace("MODE", "Auto", StringComparison.Ordinal) + "\n" + CurrentStatus, StringComparison.Ordinal)
            .Replace("SPEC", Spec.Replace("MODE", "Auto", StringComparison.Ordinal), StringComparison.Ordinal);
        var output = new StringWriter();
        var error = new StringWriter();

        var code = RecommendCommand.Run(text, Enum.Parse<RecommendationSource>(from), null, "all", helmValue.Length == 0 ? [] : [helmValue], output, error);

        Assert.Equal(RecommendCommand.InputError, code);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task The_command_line_parses_recommend_and_its_options()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, Spec.Replace("MODE", "Auto", StringComparison.Ordinal) + "\n" + CurrentStatus, TestContext.Current.CancellationToken);
        try
        {
            var parsed = AutotuneCommand.Create().Parse(["recommend", "-f", file, "--from", "Current", "--format", "kustomize", "--helm-value", "replicas=a.b"]);

            Assert.Empty(parsed.Errors);
            Assert.Equal("recommend", parsed.CommandResult.Command.Name);
            Assert.NotEmpty(AutotuneCommand.Create().Parse(["recommend", "-f", file, "--format", "patch"]).Errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Section(string text, string start, string? end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"no section {start} in:\n{text}");
        var to = end is null ? text.Length : text.IndexOf(end, from, StringComparison.Ordinal);
        return text[from..(to < 0 ? text.Length : to)];
    }

    private static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode root, params string[] path)
    {
        YamlNode node = root;
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }

        return ((YamlScalarNode)node).Value;
    }
}
