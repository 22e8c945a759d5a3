using System.Text.Json.Nodes;
using Autotune.KubeApi.Validation;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class CrdShapeTests
{
    [Fact]
    public void Crd_serves_and_stores_v1alpha1_apituning_namespaced_with_short_name_and_status_subresource()
    {
        var spec = CrdDocument.Root["spec"]!;

        Assert.Equal("apiextensions.k8s.io/v1", (string?)CrdDocument.Root["apiVersion"]);
        Assert.Equal("apitunings.autotune.dev", (string?)CrdDocument.Root["metadata"]!["name"]);
        Assert.Equal("autotune.dev", (string?)spec["group"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal("ApiTuning", (string?)spec["names"]!["kind"]);
        Assert.Equal("apitunings", (string?)spec["names"]!["plural"]);
        Assert.Contains("at", spec["names"]!["shortNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("v1alpha1", (string?)CrdDocument.Version["name"]);
        Assert.True((bool)CrdDocument.Version["served"]!);
        Assert.True((bool)CrdDocument.Version["storage"]!);
        Assert.NotNull(CrdDocument.Version["subresources"]!["status"]);
    }

    [Fact]
    public void Every_field_of_the_schema_has_a_description_for_kubectl_explain()
    {
        var undocumented = CrdDocument.Walk(CrdDocument.OpenApiSchema, "apituning")
            .Where(n => n.Path != "apituning.metadata")
            .Where(n => string.IsNullOrWhiteSpace((string?)n.Node["description"]))
            .Select(n => n.Path)
            .ToList();

        Assert.True(undocumented.Count == 0, "fields without a description: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void Schema_is_structural_every_node_has_a_type_and_no_references()
    {
        var untyped = CrdDocument.Walk(CrdDocument.OpenApiSchema, "apituning")
            .Where(n => n.Node["type"] is null)
            .Select(n => n.Path)
            .ToList();
        var text = CrdDocument.OpenApiSchema.ToJsonString();

        Assert.True(untyped.Count == 0, "nodes without a type: " + string.Join(", ", untyped));
        Assert.DoesNotContain("\"$ref\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"additionalProperties\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_default_is_valid_against_its_own_field_schema()
    {
        var defaulted = CrdDocument.Walk(CrdDocument.OpenApiSchema, "apituning").Where(n => n.Node["default"] is not null).ToList();

        Assert.NotEmpty(defaulted);
        foreach (var (path, node) in defaulted)
        {
            // An object default ({}) is valid once its own fields are defaulted, as the API server does.
            var value = CrdDefaults.Apply(node["default"]!, node);
            var schema = Json.Schema.JsonSchema.FromText(OpenApiToJsonSchema.Convert(node, rejectUnknownFields: true).ToJsonString());
            var result = schema.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(value));
            Assert.True(result.IsValid, $"{path}: default {node["default"]!.ToJsonString()} does not satisfy its schema");
        }
    }

    [Fact]
    public void Printer_columns_show_target_mode_bottleneck_p99_and_the_four_knobs_from_real_schema_fields()
    {
        var columns = CrdDocument.Version["additionalPrinterColumns"]!.AsArray().Select(c => c!.AsObject()).ToList();

        Assert.Equal(
            ["TARGET", "MODE", "BOTTLENECK", "P99", "REPLICAS", "MINTHREADS", "POOL", "MAXCONN", "AGE"],
            columns.Select(c => ((string)c["name"]!).ToUpperInvariant()));
        foreach (var column in columns.Where(c => (string?)c["type"] != "date"))
        {
            var path = (string)column["jsonPath"]!;
            var node = ResolveSchema(path);
            Assert.True(node is not null, $"column {column["name"]}: {path} is not a field of the schema");
            Assert.Equal((string?)column["type"], (string?)node["type"]);
        }
    }

    [Fact]
    public void Every_cel_rule_has_a_message_that_starts_with_the_field_it_concerns()
    {
        var fields = CrdDocument.Walk(CrdDocument.OpenApiSchema, string.Empty).Select(n => n.Path.TrimStart('.')).ToHashSet();
        var rules = CrdDocument.CelRules().ToList();

        Assert.NotEmpty(rules);
        foreach (var (path, rule, message) in rules)
        {
            var field = CelRuleField(message);
            Assert.True(fields.Contains(field), $"rule '{rule}' on {path}: its message names '{field}', which is not a field");
            Assert.True(field.StartsWith(path, StringComparison.Ordinal), $"rule '{rule}' on {path} names {field}, outside the node it sits on");
        }
    }

    [Fact]
    public void Every_knob_budget_has_a_cel_rule_that_min_is_at_most_max()
    {
        var knobs = CrdDocument.SpecSchema["properties"]!["knobs"]!["properties"]!.AsObject();

        Assert.Equal(4, knobs.Count);
        foreach (var (name, knob) in knobs)
        {
            var rules = knob!["x-kubernetes-validations"]!.AsArray().Select(r => (string?)r!["rule"]);
            Assert.Contains("self.min <= self.max", rules);
        }
    }

    /// <summary>The field path a CEL message starts with ("spec.metrics.window must ..." -> spec.metrics.window).</summary>
    internal static string CelRuleField(string message) =>
        message.Split(' ', ':')[0];

    private static JsonObject? ResolveSchema(string jsonPath)
    {
        JsonObject? node = CrdDocument.OpenApiSchema;
        foreach (var segment in jsonPath.TrimStart('.').Split('.'))
        {
            node = node?["properties"]?[segment] as JsonObject;
        }

        return node;
    }
}
