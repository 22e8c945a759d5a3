using Xunit;

namespace Autotune.Charts.Tests;

public sealed class ValuesSchemaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> BadValues() => new()
    {
        { ChartCase.Operator, "replicas=0", "replicas: Must be greater than or equal to 1" },
        { ChartCase.Operator, "replica=2", "(root): Additional property replica is not allowed" },
        { ChartCase.Operator, "image.pullPolicy=Sometimes", "image.pullPolicy: image.pullPolicy must be one of the following: \"Always\", \"IfNotPresent\", \"Never\"" },
        { ChartCase.Operator, "watchNamespaces={Shop_1}", "watchNamespaces.0: Does not match pattern" },
        { ChartCase.Operator, "healthPort=80", "healthPort: Must be greater than or equal to 1024" },
        { ChartCase.Operator, "statusWriteTimeoutSeconds=0", "statusWriteTimeoutSeconds: Must be greater than 0" },
        { ChartCase.Operator, "statusWriteTimeoutSeconds=600", "statusWriteTimeoutSeconds: Must be less than or equal to 300" },
        { ChartCase.Operator, "leaderElection.enabled=maybe", "leaderElection.enabled: Invalid type. Expected: [boolean,null], given: string" },
        { ChartCase.Operator, "serviceMonitor.interval=soon", "serviceMonitor.interval: Does not match pattern" },
        { ChartCase.Operator, "logLevel=Loud", "logLevel: logLevel must be one of the following" },
        { ChartCase.SampleStack, "apiTuning.mode=Fast", "apiTuning.mode: apiTuning.mode must be one of the following: \"Auto\", \"Recommend\", \"Paused\"" },
        { ChartCase.SampleStack, "postgres.maxConnections=5", "postgres.maxConnections: Must be greater than or equal to 10" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_bad_value_is_refused_with_a_message_naming_it(string chart, string set, string message)
    {
        var result = await ChartHelm.RunAsync(["template", "check", chart, "--set", set]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("values don't meet the specifications of the schema", result.Error, StringComparison.Ordinal);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChartCase.Operator)]
    [InlineData(ChartCase.SampleStack)]
    public async Task The_default_values_meet_the_schema(string chart)
    {
        var result = await ChartHelm.RunAsync(["template", "check", chart]);

        Assert.True(result.ExitCode == 0, result.Error);
    }
}
