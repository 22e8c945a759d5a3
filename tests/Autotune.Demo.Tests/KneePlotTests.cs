using Autotune.Demo.Proof;
using Autotune.Load;
using Xunit;

namespace Autotune.Demo.Tests;

public sealed class KneePlotTests
{
    [Fact]
    public void Draws_the_median_repeat_of_each_phase_beside_the_report_and_nothing_without_steps()
    {
        var profile = ProofProfiles.FastAsync();
        var a = new StaticSettings(null, 2, 200);
        var b = new StaticSettings(2, 5, 200);
        var result = new ProfileResult(profile, null, [], null,
        [
            Ramp("a", 1, a, 4000), Ramp("a", 2, a, 4600), Ramp("a", 3, a, 5300),
            Ramp("b", 1, b, 6100), Ramp("b", 2, b, 9300), Ramp("b", 3, b, 5300),
        ], null);

        // The median of three is the middle knee, of two the lower one; a phase that did not run has none.
        Assert.Equal(4600, KneePlot.MedianRun(result, "a")!.HighestHeld);
        Assert.Equal(6100, KneePlot.MedianRun(result, "b")!.HighestHeld);
        Assert.Null(KneePlot.MedianRun(result, "c"));
        Assert.Equal(5300, KneePlot.MedianRun(result with { Runs = [Ramp("a", 1, a, 5300), Ramp("a", 2, a, 7000)] }, "a")!.HighestHeld);

        var directory = Directory.CreateTempSubdirectory("autotune-kneeplot-");
        try
        {
            var path = KneePlot.PathFor(Path.Combine(directory.FullName, "tuning.md"), profile.Name);
            Assert.Equal(Path.Combine(directory.FullName, "tuning.fast-async.png"), path);
            Assert.True(KneePlot.Write(path, result, 200));
            var png = File.ReadAllBytes(path);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));

            var empty = KneePlot.PathFor(Path.Combine(directory.FullName, "tuning.md"), "empty");
            Assert.False(KneePlot.Write(empty, result with { Runs = [] }, 200));
            Assert.False(File.Exists(empty));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static RampRun Ramp(string phase, int repeat, StaticSettings settings, double knee) =>
        new(phase, repeat, settings, knee, [.. new[] { 0.5, 0.75, 1.0, 1.15 }.Select((f, i) => Step(i, knee * f, f > 1 ? 400 : 20 * f))], DateTimeOffset.UnixEpoch, knee);

    private static IntervalReport Step(int index, double rate, double p99) => new()
    {
        Index = index,
        Label = $"step {index}",
        Start = TimeSpan.FromSeconds(index * 10),
        Length = TimeSpan.FromSeconds(10),
        Offered = (long)(rate * 10),
        Succeeded = (long)(rate * 10),
        CompletedRate = rate,
        Errors = new Dictionary<string, long>(),
        P50Ms = p99 / 2,
        P99Ms = p99,
        MaxMs = p99 * 2,
        SendLagP99Ms = 1,
        SendLagMaxMs = 2,
        GeneratorCpuCores = 0.5,
    };
}
