using System.Text.Json.Nodes;
using Autotune.Engine.Resource.Spec;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class SchemaDriftTests
{
    [Fact]
    public void Spec_model_and_crd_schema_agree_on_every_field_type_bound_and_default()
    {
        var differences = SchemaDrift.Compare(typeof(ApiTuningSpec), CrdDocument.SpecSchema, "spec", compareDefaults: true);

        Assert.True(differences.Count == 0, "C# spec model and crds/apituning.yaml differ:\n" + string.Join("\n", differences));
    }

    [Fact]
    public void Status_model_and_crd_schema_agree_on_every_field_type_and_bound()
    {
        var differences = SchemaDrift.Compare(typeof(ApiTuningStatus), CrdDocument.StatusSchema, "status", compareDefaults: false);

        Assert.True(differences.Count == 0, "C# status model and crds/apituning.yaml differ:\n" + string.Join("\n", differences));
    }

    [Fact]
    public void Drift_check_names_a_field_missing_from_the_schema()
    {
        var schema = CrdDocument.SpecSchema.DeepClone().AsObject();
        schema["properties"]!["metrics"]!["properties"]!.AsObject().Remove("scrapesPerWindow");

        var differences = SchemaDrift.Compare(typeof(ApiTuningSpec), schema, "spec", compareDefaults: true);

        Assert.Contains(differences, d => d.StartsWith("spec.metrics.scrapesPerWindow: is in the C# model", StringComparison.Ordinal));
    }

    [Fact]
    public void Drift_check_names_an_extra_field_a_changed_enum_bound_pattern_default_and_required_ness()
    {
        var schema = CrdDocument.SpecSchema.DeepClone().AsObject();
        var properties = schema["properties"]!.AsObject();
        properties["apply"]!["properties"]!.AsObject()["extra"] = new JsonObject { ["type"] = "string" };
        properties["mode"]!["enum"] = new JsonArray("Auto", "Paused");
        properties["metrics"]!["properties"]!["port"]!["maximum"] = 1024;
        properties["behavior"]!["properties"]!["cooldownSeconds"]!["default"] = 60;
        properties["knobs"]!["properties"]!["dbMaxPoolSize"]!["properties"]!["max"]!["minimum"] = 2;
        properties["metrics"]!["properties"]!["window"]!["pattern"] = "^[0-9]+s$";
        properties["objectives"]!["properties"]!["p99LatencyMs"]!.AsObject().Remove("exclusiveMinimum");
        schema["required"] = new JsonArray("targetRef");

        var differences = SchemaDrift.Compare(typeof(ApiTuningSpec), schema, "spec", compareDefaults: true);

        Assert.Contains(differences, d => d.StartsWith("spec.apply.extra: is in the CRD but not in the C# model", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("spec.mode: enum", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("spec.metrics.port: maximum", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("spec.behavior.cooldownSeconds: default", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("spec.knobs.dbMaxPoolSize.max: minimum", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("spec.objectives: is required in C#", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("spec.metrics.window: pattern", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("spec.objectives.p99LatencyMs: exclusiveMinimum", StringComparison.Ordinal));
    }

    [Fact]
    public void Drift_check_names_a_wrong_type_in_the_status()
    {
        var schema = CrdDocument.StatusSchema.DeepClone().AsObject();
        schema["properties"]!["observed"]!["properties"]!["pods"]!["type"] = "number";

        var differences = SchemaDrift.Compare(typeof(ApiTuningStatus), schema, "status", compareDefaults: false);

        Assert.Contains(differences, d => d.StartsWith("status.observed.pods: type", StringComparison.Ordinal));
    }
}
