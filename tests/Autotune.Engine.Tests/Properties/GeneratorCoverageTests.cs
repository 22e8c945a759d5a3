using Autotune.Engine.Decisions;
using Autotune.Engine.Resource.Spec;
using CsCheck;
using Xunit;

namespace Autotune.Engine.Tests.Properties;

/// <summary>The properties mean something only if the random inputs reach every kind of decision and bottleneck.</summary>
public sealed class GeneratorCoverageTests
{
    [Fact]
    public void Random_inputs_reach_every_decision_kind_and_bottleneck()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var inputs = InputGenerators.AnyInput.Array[4000].Single(_ => true, "0000000000001");
        var generated = clock.Elapsed;
        var decisions = inputs.Select(TuningEngine.Decide).ToList();
        TestContext.Current.SendDiagnosticMessage($"generated in {generated.TotalMilliseconds} ms, decided in {(clock.Elapsed - generated).TotalMilliseconds} ms");
        var kinds = decisions.GroupBy(d => d.Kind).ToDictionary(g => g.Key, g => g.Count());
        var bottlenecks = decisions.GroupBy(d => d.Bottleneck).ToDictionary(g => g.Key, g => g.Count());
        var reasons = decisions.GroupBy(d => d.Reason).ToDictionary(g => g.Key, g => g.Count());
        var report = string.Join(", ", kinds.Select(k => $"{k.Key}={k.Value}")) + " | " + string.Join(", ", bottlenecks.Select(k => $"{k.Key}={k.Value}"))
            + " | " + string.Join(", ", reasons.OrderByDescending(r => r.Value).Select(k => $"{k.Key}={k.Value}"));
        TestContext.Current.SendDiagnosticMessage(report);

        Assert.All(Enum.GetValues<DecisionKind>(), k => Assert.True(kinds.GetValueOrDefault(k) >= 10, report));
        Assert.All(Enum.GetValues<Bottleneck>(), b => Assert.True(bottlenecks.GetValueOrDefault(b) >= 5, report));
        Assert.True(decisions.Count(d => d.Claim is not null) >= 100, report);
    }
}
