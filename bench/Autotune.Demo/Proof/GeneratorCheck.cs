using System.Diagnostics;
using System.Globalization;
using Autotune.Load;
using Autotune.Testing;

namespace Autotune.Demo.Proof;

/// <summary>
/// Can the load generator offer the rates the profiles need? It ramps (the same geometric, open-loop ramp) against
/// the sample API's GET /bare (no middleware, no database: the cheapest answer the API has) until the generator's
/// send lag or the answers fail, and then runs wrk (closed loop, C, epoll) against the same endpoint for a few
/// seconds. The generator's knee there is the highest rate any profile can be measured at on this machine with it;
/// wrk's rate shows how much of that limit is the generator's own cost.
/// </summary>
public static class GeneratorCheck
{
    /// <summary>The connection cap of the second ramp: as many as wrk's.</summary>
    public const int ConnectionCap = 64;

    /// <summary>What the check measured.</summary>
    /// <param name="GeneratorKnee">Highest rate held on GET /bare with send-lag P99 within bounds, req/s.</param>
    /// <param name="KneeIgnoringLag">Highest rate with P99 and errors within bounds, send lag not judged.</param>
    /// <param name="GeneratorCpu">The generator's CPU at its knee step, cores.</param>
    /// <param name="WrkRate">wrk's closed-loop rate on GET /bare, req/s (NaN without wrk).</param>
    /// <param name="Steps">The ramp's steps.</param>
    /// <param name="CappedKnee">The same ramp with the generator's connections capped at <see cref="ConnectionCap"/>, req/s.</param>
    /// <param name="CappedSteps">That ramp's steps.</param>
    public sealed record Result(double GeneratorKnee, double KneeIgnoringLag, double GeneratorCpu, double WrkRate, IReadOnlyList<IntervalReport> Steps, double CappedKnee, IReadOnlyList<IntervalReport> CappedSteps)
    {
        /// <summary>The report's paragraph.</summary>
        public string Markdown() => string.Create(CultureInfo.InvariantCulture,
            $"""
            ## Can the load generator offer the rates?

            Measured at the start of this run on GET /bare (the API's cheapest answer, no database), the same open-loop ramp as every profile: `bench/Autotune.Load` held **{GeneratorKnee:0} req/s** with its send-lag P99 within {ProofScore.MaxSendLagMs:0} ms ({KneeIgnoringLag:0} req/s judging only P99 and errors), using {GeneratorCpu:0.00} cores of the machine's {Environment.ProcessorCount} at that step. wrk (closed loop, 1 thread, 64 connections, 3 s) did **{(double.IsNaN(WrkRate) ? "-" : WrkRate.ToString("0", CultureInfo.InvariantCulture))} req/s** on the same endpoint. {Verdict()}

            The same ramp with the generator's connections capped at {ConnectionCap} (requests beyond them wait in the client, timed from their intended send): **{CappedKnee:0} req/s** held.

            Steps: {StepsText(Steps)}

            Steps with the cap: {StepsText(CappedSteps)}
            """);

        private static string StepsText(IReadOnlyList<IntervalReport> steps) =>
            string.Join("; ", steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.OfferedRate:0} -> p99 {s.P99Ms:0} ms / lag p99 {s.SendLagP99Ms:0.0} ms / {s.GeneratorCpuCores:0.00} cores")));

        private string Verdict()
        {
            var best = Math.Max(GeneratorKnee, CappedKnee);
            var path = CappedKnee > GeneratorKnee * 1.15
                ? string.Create(CultureInfo.InvariantCulture, $"Capping the connections is the faster path here ({CappedKnee:0} against {GeneratorKnee:0} req/s). ")
                : GeneratorKnee > CappedKnee * 1.15
                    ? "Uncapped connections did better here; the cap does not help. "
                    : "The cap made no difference beyond a ramp step. ";
            return double.IsNaN(WrkRate) || WrkRate <= 0
                ? path + "Without wrk's number the generator's limit is its knee above."
                : best >= 0.8 * WrkRate
                    ? path + "The generator offers within 20% of what wrk drives through the same endpoint: below that rate a profile's knee is the API's, not the generator's."
                    : path + string.Create(CultureInfo.InvariantCulture, $"The generator's own cost limits it to {best / WrkRate:0.00}x of wrk's rate: a profile whose knee comes near {best:0} req/s is measured at the generator's limit (its send-lag column says so), and a faster path (an open-loop C generator such as wrk2, or a second machine) is needed to go higher.");
        }

    }

    /// <summary>Runs the check on a fresh stack.</summary>
    public static async Task<Result> RunAsync(ProofOptions options, IReadOnlyList<string> apiCommand, double objectiveMs, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scenario = ProofProfiles.CachedMix().Scenario with
        {
            RampRates = KneeRamp.Rates(2_000, options.Growth),
            RampStep = options.Step,
            Warmup = options.Warmup,
            Environment = new Dictionary<string, string>(ProofProfiles.CachedMix().Scenario.Environment, StringComparer.Ordinal) { ["SampleApi__BareEndpoint"] = "true" },
        };
        await using var stack = await DemoStack.StartAsync(scenario, output, cancellationToken);
        var ports = new DemoPorts(FreePort.Next(), FreePort.Next());
        var phase = new StaticPhase(stack, scenario, apiCommand, ports, objectiveMs, output, new PathRequestMix("bare"));
        var wrk = double.NaN;
        var result = await phase.RunAsync("generator", 1, "GET /bare", cancellationToken, options.StopAfterMisses, async urls => wrk = await WrkAsync(new Uri(urls[0], "bare"), cancellationToken));
        var capped = await new StaticPhase(stack, scenario, apiCommand, ports, objectiveMs, output, new PathRequestMix("bare"), ConnectionCap)
            .RunAsync("generator-capped", 1, $"GET /bare, {ConnectionCap} connections", cancellationToken, options.StopAfterMisses);
        var held = result.Steps.Where(s => ProofScore.Held(s, objectiveMs)).ToList();
        var knee = held.Count == 0 ? 0 : held.Max(s => Math.Round(s.OfferedRate));
        var cpu = held.Count == 0 ? double.NaN : held.MaxBy(s => s.OfferedRate)!.GeneratorCpuCores;
        return new Result(knee, ProofScore.HighestHeld(result.Steps, objectiveMs, double.PositiveInfinity), cpu, wrk, result.Steps, ProofScore.HighestHeld(capped.Steps, objectiveMs), capped.Steps);
    }

    private static async Task<double> WrkAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("wrk", ["-t1", "-c64", "-d3s", url.ToString()]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("Requests/sec:", StringComparison.Ordinal));
            return line is not null && double.TryParse(line["Requests/sec:".Length..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) ? rate : double.NaN;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return double.NaN; // no wrk on this machine
        }
    }
}
