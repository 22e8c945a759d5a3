using Autotune.Engine.Resource.Spec.Yaml;
using Autotune.Engine.Resource.Validation;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class CelRuleTests
{
    public static TheoryData<string> CelExamples() =>
        new(RepoFiles.InvalidExamples.Select(ExampleFile.Read).Where(e => e.RejectedBy == "cel").Select(e => e.Name));

    [Theory]
    [MemberData(nameof(ExampleTests.ValidExamples), MemberType = typeof(ExampleTests))]
    public void Example_satisfies_every_cel_rule_of_the_crd(string name)
    {
        var document = YamlJson.Parse(File.ReadAllText(Path.Combine(RepoFiles.Root, "crds", "examples", name)))!;

        var failures = CrdCel.Failures(document);

        Assert.True(failures.Count == 0, $"{name}: " + string.Join("; ", failures));
    }

    [Theory]
    [MemberData(nameof(CelExamples))]
    public void Invalid_example_for_a_cel_rule_breaks_that_rule_and_only_rules_about_its_field(string name)
    {
        var example = ExampleFile.Read(Path.Combine(AppContext.BaseDirectory, "Spec", "Invalid", name));

        var failures = CrdCel.Failures(YamlJson.Parse(example.Text)!);

        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Equal(example.Field, CrdShapeTests.CelRuleField(f.Message)));
    }

    [Fact]
    public void Cel_rules_and_the_spec_validator_refuse_the_same_fields_for_hundreds_of_random_specs()
    {
        var random = new RandomApiTunings(seed: 20261127);
        var compared = 0;
        var refused = 0;
        for (var i = 0; i < 300; i++)
        {
            var document = random.Next();
            var defaulted = CrdDefaults.Apply(document, CrdDocument.OpenApiSchema);
            if (CrdSchemaValidator.Errors(defaulted).Count > 0)
            {
                continue;
            }

            var cel = CrdCel.Failures(document).Select(f => CrdShapeTests.CelRuleField(f.Message)).ToHashSet();
            var loaded = ApiTuningYaml.Load(document.ToJsonString());
            Assert.True(loaded.IsValid, loaded.Summary);
            var validator = SpecValidator.Validate(loaded.Documents[0].Spec).Problems.Select(p => p.Field).ToHashSet();

            Assert.True(
                cel.SetEquals(validator),
                $"{document.ToJsonString()}\nCEL refuses [{string.Join(", ", cel.Order())}], the validator [{string.Join(", ", validator.Order())}]");
            compared++;
            refused += cel.Count > 0 ? 1 : 0;
        }

        // The generator must exercise both sides: many specs the rules accept and many they refuse.
        Assert.InRange(compared, 200, 300);
        Assert.InRange(refused, compared / 10, compared * 9 / 10);
    }
}
