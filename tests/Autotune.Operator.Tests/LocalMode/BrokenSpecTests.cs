using Xunit;

namespace Autotune.Operator.Tests.LocalMode;

public sealed class BrokenSpecTests
{
    [Fact]
    public async Task A_broken_spec_exits_non_zero_naming_every_problem()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("autotune-broken-");
        try
        {
            var spec = Path.Combine(directory.FullName, "apituning.yaml");
            await File.WriteAllTextAsync(spec, Specs.ApiTuning("dbMaxPoolSize: { min: 50, max: 10 }").Replace("p99LatencyMs: 100", "p99LatencyMs: -5", StringComparison.Ordinal), ct);
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await Autotune.Operator.Local.LocalMode.RunAsync(
                new Autotune.Operator.Local.LocalOptions { SpecPath = spec, TuningFile = Path.Combine(directory.FullName, "tuning.json"), MetricsUrls = ["http://127.0.0.1:1/metrics"] },
                output,
                error,
                ct);

            Assert.Equal(2, code);
            var message = error.ToString();
            Assert.Contains("spec.knobs.dbMaxPoolSize", message, StringComparison.Ordinal);
            Assert.Contains("spec.objectives.p99LatencyMs", message, StringComparison.Ordinal);
            Assert.Empty(output.ToString());
            Assert.False(File.Exists(Path.Combine(directory.FullName, "tuning.json")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_yaml_exits_non_zero_with_the_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("autotune-broken-");
        try
        {
            var spec = Path.Combine(directory.FullName, "apituning.yaml");
            await File.WriteAllTextAsync(spec, Specs.ApiTuning("dbMaxPoolSize: { min: 5, max: 10 }").Replace("scrapesPerWindow: 5", "scrapesPerWindow: 5\n    colour: red", StringComparison.Ordinal), ct);
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await Autotune.Operator.Local.LocalMode.RunAsync(
                new Autotune.Operator.Local.LocalOptions { SpecPath = spec, TuningFile = Path.Combine(directory.FullName, "tuning.json"), MetricsUrls = ["http://127.0.0.1:1/metrics"] },
                output,
                error,
                ct);

            Assert.Equal(2, code);
            Assert.Contains("spec.metrics.colour: unknown field", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
