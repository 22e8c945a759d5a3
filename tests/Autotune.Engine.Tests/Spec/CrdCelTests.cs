using System.Text.Json.Nodes;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

/// <summary>The CEL evaluator the CRD rule tests rely on: a broken rule must fail them, never pass as the rule's verdict.</summary>
public sealed class CrdCelTests
{
    private static readonly JsonNode Budget = JsonNode.Parse("""{ "budget": { "min": 5, "max": 1 } }""")!;

    [Fact]
    public void A_rule_that_holds_is_silent_and_one_that_does_not_is_reported_with_its_message()
    {
        Assert.Empty(CrdCel.Failures(JsonNode.Parse("""{ "budget": { "min": 1, "max": 5 } }""")!, Schema("self.min <= self.max")));

        var failure = Assert.Single(CrdCel.Failures(Budget, Schema("self.min <= self.max")));

        Assert.Equal(("budget", "budget.min: must be at most max"), failure);
    }

    [Theory]
    [InlineData("self.min <= self.maxx")] // a field the node does not have
    [InlineData("self.min <=")] // does not parse
    [InlineData("self.min")] // not a boolean
    public void A_rule_that_cannot_be_evaluated_throws_instead_of_counting_as_a_failure_of_the_rule(string rule)
    {
        var error = Assert.Throws<CelEvaluationException>(() => CrdCel.Failures(Budget, Schema(rule)));

        var line = Assert.Single(error.Errors);
        Assert.StartsWith($"budget: rule `{rule}` ", line, StringComparison.Ordinal);
    }

    private static JsonObject Schema(string rule) => JsonNode.Parse($$"""
        {
          "type": "object",
          "properties": {
            "budget": {
              "type": "object",
              "x-kubernetes-validations": [ { "rule": {{JsonValue.Create(rule).ToJsonString()}}, "message": "budget.min: must be at most max" } ],
              "properties": { "min": { "type": "integer" }, "max": { "type": "integer" } }
            }
          }
        }
        """)!.AsObject();
}
