namespace Autotune.Operator.Tests.LocalMode;

/// <summary>ApiTuning documents for the local-mode tests: short windows, short cooldowns, the knobs each test tunes.</summary>
internal static class Specs
{
    public static string ApiTuning(string knobs, string mode = "Auto", string? postgres = null) => $$"""
        apiVersion: autotune.dev/v1alpha1
        kind: ApiTuning
        metadata:
          name: local-test
        spec:
          targetRef:
            name: sample-api
          mode: {{mode}}
          objectives:
            p99LatencyMs: 100
            maxPoolWaitMs: 10
            maxQueueDepth: 5
          metrics:
            window: 10s
            scrapesPerWindow: 5
          knobs:
        {{Indent(knobs, 4)}}
          apply:
            maxSurge: 0
        {{(postgres is null ? string.Empty : "  postgres:\n" + Indent(postgres, 4))}}
          behavior:
            cooldownSeconds: 10
            scaleInStabilizationSeconds: 600
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => new string(' ', spaces) + l.Trim()));

    /// <summary>The sample API's demonstration-profile settings as environment variables.</summary>
    /// <param name="roundTripMs">Simulated database round trip per query (a remote database).</param>
    /// <param name="blocking">Reads on the blocking data path (synchronous Npgsql on request threads).</param>
    public static Dictionary<string, string> DemoProfile(int roundTripMs, bool blocking = false) => new()
    {
        ["SampleApi__Demo__BlockingDataPath"] = blocking ? "true" : "false",
        ["SampleApi__Demo__SimulatedRoundTripMilliseconds"] = roundTripMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
