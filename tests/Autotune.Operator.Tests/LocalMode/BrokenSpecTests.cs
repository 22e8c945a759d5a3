using Autotune.Operator.Local;
using Xunit;

namespace Autotune.Operator.Tests.LocalMode;

public sealed class BrokenSpecTests
{
    [Fact]
    public async Task A_broken_spec_exits_non_zero_naming_every_problem()
    {
        var spec = Specs.ApiTuning("dbMaxPoolSize: { min: 50, max: 10 }").Replace("p99LatencyMs: 100", "p99LatencyMs: -5", StringComparison.Ordinal);

        var (code, output, error, tuningFileWritten) = await RunAsync(spec);

        Assert.Equal(Autotune.Operator.Local.LocalMode.InvalidInput, code);
        Assert.Contains("spec.knobs.dbMaxPoolSize", error, StringComparison.Ordinal);
        Assert.Contains("spec.objectives.p99LatencyMs", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.False(tuningFileWritten);
    }

    [Fact]
    public async Task Invalid_yaml_exits_non_zero_with_the_line()
    {
        var spec = Specs.ApiTuning("dbMaxPoolSize: { min: 5, max: 10 }").Replace("scrapesPerWindow: 5", "scrapesPerWindow: 5\n    colour: red", StringComparison.Ordinal);

        var (code, _, error, _) = await RunAsync(spec);

        Assert.Equal(Autotune.Operator.Local.LocalMode.InvalidInput, code);
        Assert.Contains("spec.metrics.colour: unknown field", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error, bool TuningFileWritten)> RunAsync(string spec)
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("autotune-broken-");
        try
        {
            var specPath = Path.Combine(directory.FullName, "apituning.yaml");
            var tuningFile = Path.Combine(directory.FullName, "tuning.json");
            await File.WriteAllTextAsync(specPath, spec, ct);
            using var output = new StringWriter();
            using var error = new StringWriter();
            var options = new LocalOptions { SpecPath = specPath, TuningFile = tuningFile, MetricsUrls = ["http://127.0.0.1:1/metrics"] };

            var code = await Autotune.Operator.Local.LocalMode.RunAsync(options, output, error, ct);

            return (code, output.ToString(), error.ToString(), File.Exists(tuningFile));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
