using System.Text.Json.Nodes;
using Autotune.Engine.Resource.Spec.Yaml;
using Autotune.Engine.Resource.Validation;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class ExampleTests
{
    public static TheoryData<string> ValidExamples() => new(RepoFiles.Examples.Select(Path.GetFileName)!);

    public static TheoryData<string> InvalidExamples() => new(RepoFiles.InvalidExamples.Select(Path.GetFileName)!);

    [Fact]
    public void Examples_include_a_minimal_and_a_complete_apituning()
    {
        var names = RepoFiles.Examples.Select(Path.GetFileName).ToList();

        Assert.Contains("minimal.yaml", names);
        Assert.Contains("complete.yaml", names);
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void Example_passes_the_crd_schema(string name)
    {
        var document = YamlJson.Parse(File.ReadAllText(Example(name)))!;

        var errors = CrdSchemaValidator.Errors(document);

        Assert.True(errors.Count == 0, $"{name}: " + string.Join("; ", errors));
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void Example_passes_the_yaml_reader_and_the_rules_the_crd_states_in_cel(string name)
    {
        var loaded = ApiTuningYaml.Load(File.ReadAllText(Example(name)));

        Assert.True(loaded.IsValid, loaded.Summary);
        var result = SpecValidator.Validate(Assert.Single(loaded.Documents).Spec);
        Assert.True(result.IsValid, $"{name}: {result.Summary}");
    }

    [Fact]
    public void Complete_example_sets_every_field_of_the_spec_but_the_pooler_which_pooled_example_sets()
    {
        // A pooler excludes the max_connections knob, so one example cannot hold both.
        var spec = YamlJson.Parse(File.ReadAllText(Example("complete.yaml")))!["spec"]!.AsObject();
        var pooled = YamlJson.Parse(File.ReadAllText(Example("pooled.yaml")))!["spec"]!.AsObject();

        var missing = CrdDocument.Walk(CrdDocument.SpecSchema, "spec")
            .Where(n => n.Path != "spec" && !n.Path.EndsWith("[]", StringComparison.Ordinal))
            .Where(n => Find(n.Path.StartsWith("spec.postgres.pooler", StringComparison.Ordinal) ? pooled : spec, n.Path["spec.".Length..]) is null)
            .Select(n => n.Path)
            .ToList();

        Assert.True(missing.Count == 0, "complete.yaml (pooled.yaml for the pooler) leaves out: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void Invalid_example_is_refused_locally_naming_its_field(string name)
    {
        var example = Invalid(name);
        var loaded = ApiTuningYaml.Load(example.Text);
        var fields = loaded.IsValid
            ? SpecValidator.Validate(Assert.Single(loaded.Documents).Spec).Problems.Select(p => p.Field).ToList()
            : loaded.Problems.Select(p => p.Field).ToList();

        Assert.True(
            fields.Any(f => Names(f, example.Field!)),
            $"{name}: expected a problem with {example.Field}, got: {string.Join(", ", fields)}");
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void Invalid_example_is_refused_by_the_schema_or_left_to_a_cel_rule_for_its_field(string name)
    {
        var example = Invalid(name);
        var errors = CrdSchemaValidator.Errors(YamlJson.Parse(example.Text)!);
        var pointer = CrdSchemaValidator.Pointer(example.Field!);

        if (example.RejectedBy == "schema")
        {
            Assert.True(
                errors.Any(e => AtOrAround(e.Location, pointer)),
                $"{name}: expected a schema error at {pointer}, got: {string.Join("; ", errors)}");
        }
        else
        {
            // The schema alone must accept the document, and a CEL rule must name the field (CelRuleTests evaluates it).
            Assert.Equal("cel", example.RejectedBy);
            Assert.True(errors.Count == 0, $"{name}: the schema already refuses it: {string.Join("; ", errors)}");
            Assert.Contains(CrdDocument.CelRules(), r => CrdShapeTests.CelRuleField(r.Message) == example.Field);
        }
    }

    [Fact]
    public void Every_cel_rule_has_an_invalid_example_that_the_validator_refuses()
    {
        var covered = RepoFiles.InvalidExamples.Select(ExampleFile.Read).Where(e => e.RejectedBy == "cel").Select(e => e.Field).ToHashSet();

        var uncovered = CrdDocument.CelRules()
            .Select(r => CrdShapeTests.CelRuleField(r.Message))
            .Where(f => !covered.Contains(f))
            .ToList();

        Assert.True(uncovered.Count == 0, "CEL rules without an invalid example: " + string.Join(", ", uncovered));
    }

    private static bool Names(string problemField, string expected) =>
        problemField == expected ||
        problemField.StartsWith(expected + ".", StringComparison.Ordinal) ||
        problemField.StartsWith(expected + "[", StringComparison.Ordinal);

    /// <summary>The error is at the field, inside it, or on its parent (required and unknown fields are reported there).</summary>
    private static bool AtOrAround(string location, string pointer) =>
        location == pointer ||
        location.StartsWith(pointer + "/", StringComparison.Ordinal) ||
        (pointer.StartsWith(location + "/", StringComparison.Ordinal) && !pointer[(location.Length + 1)..].Contains('/'));

    private static JsonNode? Find(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split('.'))
        {
            node = (node as JsonObject)?[segment];
        }

        return node;
    }

    private static string Example(string name) => Path.Combine(RepoFiles.Root, "crds", "examples", name);

    private static ExampleFile Invalid(string name) =>
        ExampleFile.Read(Path.Combine(AppContext.BaseDirectory, "Spec", "Invalid", name));
}
