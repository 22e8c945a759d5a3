using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Spec.Yaml;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class ApiTuningYamlTests
{
    private const string Header = """
        apiVersion: autotune.dev/v1alpha1
        kind: ApiTuning
        metadata:
          name: orders
          namespace: shop
        spec:

        """;

    [Fact]
    public void Reads_the_complete_example_into_the_model_field_for_field()
    {
        var loaded = ApiTuningYaml.Load(File.ReadAllText(Path.Combine(RepoFiles.Root, "crds", "examples", "complete.yaml")));

        var document = Assert.Single(loaded.Documents);
        Assert.Equal("orders", document.Name);
        Assert.Equal("shop", document.Namespace);
        var spec = document.Spec;
        Assert.Equal("orders-api", spec.TargetRef.Name);
        Assert.Equal(250, spec.Objectives.P99LatencyMs);
        Assert.Equal(MetricsSourceKind.Prometheus, spec.Metrics.Source);
        Assert.Equal("http://prometheus.monitoring:9090", spec.Metrics.Prometheus!.Url);
        Assert.Equal(new KnobBudget { Min = 5, Max = 200 }, spec.Knobs.DbMaxPoolSize);
        Assert.Equal(KnobMode.Recommend, spec.Knobs.PostgresMaxConnections!.Mode);
        Assert.Equal("ORDERS_DB_MAX_POOL_SIZE", spec.Apply.PoolSizeEnvVar);
        Assert.Equal(RestartPolicy.Window, spec.Postgres!.Restart);
        Assert.Equal(["Sat", "Sun"], spec.Postgres.MaintenanceWindow!.Days);
        Assert.Equal("02:00", spec.Postgres.MaintenanceWindow.StartUtc);
        Assert.True(spec.Behavior.RollbackOnRegression);
    }

    [Fact]
    public void Fills_the_crd_defaults_for_fields_left_out()
    {
        var loaded = ApiTuningYaml.Load(Header + "  targetRef: { name: orders-api }\n  objectives: {}\n");

        var spec = Assert.Single(loaded.Documents).Spec;
        Assert.Equal(TuningMode.Auto, spec.Mode);
        Assert.Equal("Deployment", spec.TargetRef.Kind);
        Assert.Equal(250, spec.Objectives.P99LatencyMs);
        Assert.Equal("60s", spec.Metrics.Window);
        Assert.Equal(9464, spec.Metrics.Port);
        Assert.Null(spec.Knobs.Replicas);
        Assert.Null(spec.Postgres);
        Assert.Equal(120, spec.Behavior.CooldownSeconds);
    }

    [Fact]
    public void Names_the_line_and_field_of_an_unknown_field_and_lists_the_known_ones()
    {
        var yaml = Header + """
              targetRef: { name: orders-api }
              objectives: { p99LatencyMs: 250 }
              knobs:
                dbMaxPoolSize: { min: 5, max: 50, step: 2 }
            """;

        var problem = Assert.Single(ApiTuningYaml.Load(yaml).Problems);

        Assert.Equal("spec.knobs.dbMaxPoolSize.step", problem.Field);
        Assert.Equal(10, problem.Line);
        Assert.Contains("unknown field; the fields here are min, max, mode", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_every_wrong_type_at_once_with_its_line()
    {
        var yaml = Header + """
              targetRef: { name: orders-api }
              mode: auto
              objectives: { p99LatencyMs: fast }
              metrics: { port: "9464", window: 60 }
              behavior: { rollbackOnRegression: maybe }
            """;

        var loaded = ApiTuningYaml.Load(yaml);

        Assert.Empty(loaded.Documents);
        Assert.Equal(
            [
                (8, "spec.mode"),
                (9, "spec.objectives.p99LatencyMs"),
                (10, "spec.metrics.port"),
                (10, "spec.metrics.window"),
                (11, "spec.behavior.rollbackOnRegression"),
            ],
            loaded.Problems.Select(p => (p.Line, p.Field)));
        Assert.Contains("put it in quotes", loaded.Problems[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_a_missing_required_field()
    {
        var loaded = ApiTuningYaml.Load(Header + "  targetRef: { kind: Deployment }\n  objectives: {}\n");

        var problem = Assert.Single(loaded.Problems);

        Assert.Equal("spec.targetRef.name", problem.Field);
        Assert.Contains("required", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_another_kind_or_api_version()
    {
        var loaded = ApiTuningYaml.Load("apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: {}\n");

        var problem = Assert.Single(loaded.Problems);

        Assert.Contains("expected apiVersion autotune.dev/v1alpha1 and kind ApiTuning", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_several_documents_and_skips_empty_ones()
    {
        var one = Header + "  targetRef: { name: a }\n  objectives: {}\n";
        var two = one.Replace("name: orders", "name: payments", StringComparison.Ordinal);

        var loaded = ApiTuningYaml.Load(one + "---\n# nothing here\n---\n" + two);

        Assert.True(loaded.IsValid, loaded.Summary);
        Assert.Equal(["orders", "payments"], loaded.Documents.Select(d => d.Name));
    }

    [Fact]
    public void Reports_broken_yaml_with_its_line_instead_of_throwing()
    {
        var loaded = ApiTuningYaml.Load(Header + "  targetRef: { name: orders-api }\n objectives: {}\n");

        var problem = Assert.Single(loaded.Problems);

        Assert.Equal("(yaml)", problem.Field);
        Assert.Equal(8, problem.Line);
    }

    [Fact]
    public void Reports_an_unclosed_flow_mapping_instead_of_throwing()
    {
        var loaded = ApiTuningYaml.Load(Header + "  targetRef: { name: orders-api\n  objectives: {}\n");

        Assert.Equal("(yaml)", Assert.Single(loaded.Problems).Field);
        Assert.Empty(loaded.Documents);
    }

    [Fact]
    public void Reads_a_yaml_1_1_boolean_and_refuses_it_where_a_string_is_expected()
    {
        var loaded = ApiTuningYaml.Load(Header + """
              targetRef: { name: orders-api }
              objectives: {}
              behavior: { rollbackOnRegression: off }
              postgres:
                adminSecretRef: { name: pg, key: yes }
            """);

        var problem = Assert.Single(loaded.Problems);
        Assert.Equal("spec.postgres.adminSecretRef.key", problem.Field);
        Assert.Contains("the boolean yes", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ignores_status_and_unknown_metadata_but_refuses_unknown_top_level_fields()
    {
        var yaml = """
            apiVersion: autotune.dev/v1alpha1
            kind: ApiTuning
            metadata: { name: orders, labels: { team: shop } }
            spec: { targetRef: { name: orders-api }, objectives: {} }
            status: { bottleneck: PoolExhaustion }
            extra: 1
            """;

        var problem = Assert.Single(ApiTuningYaml.Load(yaml).Problems);

        Assert.Equal("extra", problem.Field);
        Assert.Equal(6, problem.Line);
    }
}
