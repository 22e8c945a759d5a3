using System.Text.Json;
using System.Text.Json.Nodes;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Validation;
using Autotune.KubeApi.Validation;
using Json.Schema;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class DatabaseBudgetCrdTests
{
    private static readonly Lazy<JsonObject> Crd = new(() => YamlJson.Parse(File.ReadAllText(RepoFiles.BudgetCrd))!.AsObject());

    private static JsonObject Version => Crd.Value["spec"]!["versions"]!.AsArray().Single()!.AsObject();

    private static JsonObject OpenApi => Version["schema"]!["openAPIV3Schema"]!.AsObject();

    private static JsonNode Example => YamlJson.Parse(File.ReadAllText(Assert.Single(RepoFiles.BudgetExamples)))!;

    [Fact]
    public void Crd_serves_databasebudget_beside_apituning_namespaced_with_status_and_the_allocation_columns()
    {
        var spec = Crd.Value["spec"]!;
        var columns = Version["additionalPrinterColumns"]!.AsArray().Select(c => ((string)c!["name"]!).ToUpperInvariant()).ToList();

        Assert.Equal("databasebudgets.autotune.dev", (string?)Crd.Value["metadata"]!["name"]);
        Assert.Equal("DatabaseBudget", (string?)spec["names"]!["kind"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal((string?)CrdDocument.Version["name"], (string?)Version["name"]);
        Assert.NotNull(Version["subresources"]!["status"]);
        Assert.Equal(["SERVER", "MAX_CONNECTIONS", "ALLOCATED", "FREE", "APIS", "AGE"], columns);
    }

    [Fact]
    public void Spec_and_status_models_agree_with_the_crd_schema()
    {
        var spec = SchemaDrift.Compare(typeof(DatabaseBudgetSpec), OpenApi["properties"]!["spec"]!.AsObject(), "spec", compareDefaults: true);
        var status = SchemaDrift.Compare(typeof(DatabaseBudgetStatus), OpenApi["properties"]!["status"]!.AsObject(), "status", compareDefaults: false);

        Assert.True(spec.Count == 0, "DatabaseBudgetSpec and crds/databasebudget.yaml differ:\n" + string.Join("\n", spec));
        Assert.True(status.Count == 0, "DatabaseBudgetStatus and crds/databasebudget.yaml differ:\n" + string.Join("\n", status));
    }

    [Fact]
    public void Every_field_has_a_description_and_a_type()
    {
        var nodes = CrdDocument.Walk(OpenApi, "databasebudget").Where(n => n.Path != "databasebudget.metadata").ToList();

        Assert.Empty(nodes.Where(n => string.IsNullOrWhiteSpace((string?)n.Node["description"])).Select(n => n.Path));
        Assert.Empty(CrdDocument.Walk(OpenApi, "databasebudget").Where(n => n.Node["type"] is null).Select(n => n.Path));
    }

    [Fact]
    public void Example_passes_the_schema_the_cel_rules_and_the_validator()
    {
        var schema = JsonSchema.FromText(OpenApiToJsonSchema.Convert(OpenApi, rejectUnknownFields: true).ToJsonString());

        var evaluated = schema.Evaluate(JsonSerializer.SerializeToElement(Example), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(evaluated.IsValid, "the example fails the schema");
        Assert.Empty(CrdCel.Failures(Example, OpenApi));
        Assert.Empty(DatabaseBudgetValidator.Validate(Model(Example)));
    }

    [Fact]
    public void An_api_listed_twice_is_refused_by_cel_and_the_validator_naming_spec_apis()
    {
        var document = Example.DeepClone();
        document["spec"]!["apis"]!.AsArray().Add(new JsonObject { ["name"] = "orders", ["weight"] = 5 });

        var cel = CrdCel.Failures(document, OpenApi);
        var problems = DatabaseBudgetValidator.Validate(Model(document));

        Assert.Equal("spec.apis", CrdShapeTests.CelRuleField(Assert.Single(cel).Message));
        Assert.Contains(problems, p => p.Field == "spec.apis" && p.Message.Contains("orders", StringComparison.Ordinal));
    }

    [Fact]
    public void A_minimum_above_the_maximum_is_refused_by_cel_and_the_validator()
    {
        var document = Example.DeepClone();
        document["spec"]!["apis"]![1]!["minConnections"] = 200;

        var cel = CrdCel.Failures(document, OpenApi);
        var problems = DatabaseBudgetValidator.Validate(Model(document));

        Assert.Equal("spec.apis.minConnections", CrdShapeTests.CelRuleField(Assert.Single(cel).Message));
        var problem = Assert.Single(problems);
        Assert.Equal("spec.apis[1].minConnections", problem.Field);
        Assert.Contains("200 is more than maxConnections 120", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weight", 0, "spec.apis[0].weight")]
    [InlineData("minConnections", -1, "spec.apis[0].minConnections")]
    public void A_weight_or_bound_out_of_range_is_refused_by_the_schema_and_the_validator(string field, int value, string path)
    {
        var document = Example.DeepClone();
        document["spec"]!["apis"]![0]![field] = value;
        var schema = JsonSchema.FromText(OpenApiToJsonSchema.Convert(OpenApi, rejectUnknownFields: true).ToJsonString());

        var evaluated = schema.Evaluate(JsonSerializer.SerializeToElement(document), new EvaluationOptions { OutputFormat = OutputFormat.List });
        var problems = DatabaseBudgetValidator.Validate(Model(document));

        Assert.False(evaluated.IsValid);
        Assert.Contains(problems, p => p.Field == path);
    }

    [Fact]
    public void A_negative_reserve_is_refused_by_the_validator()
    {
        var problems = DatabaseBudgetValidator.Validate(Model(Example) with { ReservedConnections = -1 });

        Assert.Contains(problems, p => p.Field == "spec.reservedConnections");
    }

    private static DatabaseBudgetSpec Model(JsonNode document) =>
        document["spec"].Deserialize<DatabaseBudgetSpec>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}
