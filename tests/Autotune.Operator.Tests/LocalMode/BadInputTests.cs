using Autotune.Operator.Local;
using Xunit;

namespace Autotune.Operator.Tests.LocalMode;

/// <summary>What a new user sees when the API command fails or the spec lists no knob: one plain line, never a stack trace.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task An_api_command_that_exits_at_start_is_one_line_with_the_command_its_exit_code_and_its_last_messages()
    {
        // One stream, so the order of the lines is the order they were written (stdout and stderr interleave freely).
        const string script = """
            echo "info: starting on $ASPNETCORE_URLS" >&2
            echo "Unhandled exception. System.IO.IOException: Failed to bind to address: address already in use." >&2
            echo "   at Microsoft.AspNetCore.Server.Kestrel.Core.Internal.AddressBinder.BindEndpointAsync()" >&2
            echo "--- End of stack trace from previous location ---" >&2
            echo "   at Program.<Main>\$(String[] args)" >&2
            exit 134
            """;

        var run = await RunAsync(Specs.ApiTuning("dbMaxPoolSize: { min: 2, max: 10 }"), ["sh", "-c", script]);

        Assert.Equal(Autotune.Operator.Local.LocalMode.ApiDidNotStart, run.Code);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("autotune local: the API command 'sh -c \"echo ", line, StringComparison.Ordinal);
        Assert.Contains("exited with code 134 while starting replica 0", line, StringComparison.Ordinal);
        Assert.EndsWith(
            "; last output: info: starting on http://127.0.0.11:8080 | Unhandled exception. System.IO.IOException: Failed to bind to address: address already in use.",
            line,
            StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.False(run.TuningFileWritten);
    }

    [Fact]
    public async Task An_api_command_that_cannot_be_started_is_one_line_naming_it()
    {
        var run = await RunAsync(Specs.ApiTuning("dbMaxPoolSize: { min: 2, max: 10 }"), ["/nonexistent/sample-api", "--urls", "{address}"]);

        Assert.Equal(Autotune.Operator.Local.LocalMode.ApiDidNotStart, run.Code);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("autotune local: the API command '/nonexistent/sample-api --urls {address}' could not be started: ", line, StringComparison.Ordinal);
        Assert.EndsWith("; it wrote nothing", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData(null)]
    public async Task A_spec_with_no_knob_runs_observe_only_with_a_warning(string? knobs)
    {
        var spec = Specs.ApiTuning("replicas: { min: 1, max: 2 }");
        spec = knobs is null
            ? spec.Replace("  knobs:\n    replicas: { min: 1, max: 2 }\n", string.Empty, StringComparison.Ordinal)
            : spec.Replace("  knobs:\n    replicas: { min: 1, max: 2 }", "  knobs: " + knobs, StringComparison.Ordinal);
        Assert.DoesNotContain("replicas", spec, StringComparison.Ordinal);

        var run = await RunAsync(spec, metricsUrl: "http://127.0.0.1:1/metrics");

        Assert.Equal(0, run.Code);
        Assert.Equal(
            ["autotune local: warning: spec.knobs lists no knob, so nothing will be changed: the bottleneck is diagnosed and reported only. Add budgets under spec.knobs to tune."],
            run.ErrorLines);
        Assert.StartsWith("autotune local: tuning 1 API process(es)", run.Output, StringComparison.Ordinal);
        Assert.False(run.TuningFileWritten);
    }

    private static async Task<(int Code, string Output, string[] ErrorLines, bool TuningFileWritten)> RunAsync(
        string spec, IReadOnlyList<string>? apiCommand = null, string? metricsUrl = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("autotune-bad-input-");
        try
        {
            var specPath = Path.Combine(directory.FullName, "apituning.yaml");
            var tuningFile = Path.Combine(directory.FullName, "tuning.json");
            await File.WriteAllTextAsync(specPath, spec, ct);
            using var output = new StringWriter();
            using var error = new StringWriter();
            var options = new LocalOptions
            {
                SpecPath = specPath,
                TuningFile = tuningFile,
                ApiCommand = apiCommand ?? [],
                MetricsUrls = metricsUrl is null ? [] : [metricsUrl],
                Windows = 0,
            };

            var code = await Autotune.Operator.Local.LocalMode.RunAsync(options, output, error, ct);

            return (code, output.ToString(), error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), File.Exists(tuningFile));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
