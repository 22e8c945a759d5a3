using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Autotune.Engine.Resource.Spec;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

/// <summary>The steps of a decision applied together, as status records them, pass the CRD schema the API server checks.</summary>
public sealed class StatusStepsSchemaTests
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly DateTimeOffset Time = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static DecisionRecord Raise(params DecisionStepRecord[] steps) => new()
    {
        Time = Time,
        Kind = DecisionKind.Change,
        Knob = Knob.DbMaxPoolSize,
        From = 4,
        To = 16,
        Steps = steps,
        Reason = "RecoverFromCollapse",
        Message = "Raised together minimum threads 2 -> 17, max_connections 20 -> 31, Npgsql pool 4 -> 16",
    };

    private static JsonNode WithStatus(DecisionRecord record)
    {
        var document = YamlJson.Parse(File.ReadAllText(Path.Combine(RepoFiles.Root, "crds", "examples", "minimal.yaml")))!;
        document["status"] = JsonSerializer.SerializeToNode(new ApiTuningStatus { LastDecision = record, History = [record] }, Json);
        return document;
    }

    [Fact]
    public void Every_step_of_a_change_applied_together_is_accepted_in_lastDecision_and_history()
    {
        var errors = CrdSchemaValidator.Errors(WithStatus(Raise(
            new DecisionStepRecord { Knob = Knob.ThreadPoolMinThreads, From = 2, To = 17 },
            new DecisionStepRecord { Knob = Knob.PostgresMaxConnections, From = 20, To = 31 },
            new DecisionStepRecord { Knob = Knob.DbMaxPoolSize, From = 4, To = 16 })));

        Assert.True(errors.Count == 0, string.Join("; ", errors));
    }

    [Fact]
    public void A_single_step_is_refused_since_a_change_of_one_knob_records_none()
    {
        var errors = CrdSchemaValidator.Errors(WithStatus(Raise(new DecisionStepRecord { Knob = Knob.DbMaxPoolSize, From = 4, To = 16 })));

        Assert.Contains(errors, e => e.Location == "/status/lastDecision/steps");
        Assert.Contains(errors, e => e.Location == "/status/history/0/steps");
    }
}
