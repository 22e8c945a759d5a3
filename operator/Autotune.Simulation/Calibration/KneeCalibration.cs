using System.Globalization;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Calibration;

/// <summary>
/// Prints the two knees the model has and what they are calibrated on: threads (context switches on a saturated async
/// pod, against issue 16's measurement) and connections (the database law's closed-loop throughput against the
/// repository's <c>pgbench -S</c> figures), as ratios, since the machine's load moves the levels more than the shapes.
/// </summary>
public static class KneeCalibration
{
    /// <summary>The command that prints it.</summary>
    public const string Command = "dotnet run -c Release --project operator/Autotune.Simulation -- knees";

    /// <summary>The database law fitted in bench/engine/calibration.md (server CPU per query 0.146 ms, no client time, degradation 0.011).</summary>
    public static ClosedLoopBenchmark FittedDatabase { get; } = new(new DatabaseOptions { Cores = 2, Degradation = 0.011 }, QueryCpuMs: 0.146, ClientMs: 0);

    /// <summary>The repository's <c>pgbench -S</c> figures: DESIGN.md's pair and bench/results/sample-api.md's latest sweep (clients, tps).</summary>
    public static IReadOnlyList<(string Source, IReadOnlyList<(int Clients, double Tps)> Points)> PgbenchFigures { get; } =
    [
        ("DESIGN.md (quiet machine)", [(8, 27_500), (64, 17_300)]),
        ("bench/results/sample-api.md (-M prepared)", [(2, 29_791), (8, 28_105), (16, 29_584), (32, 20_588), (64, 14_806)]),
    ];

    /// <summary>Writes both knees to <paramref name="output"/>.</summary>
    public static void Describe(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        void Line(FormattableString s) => output.WriteLine(s.ToString(CultureInfo.InvariantCulture));

        Line($"Threads: one saturated pod of 2 cores, fast async profile ({ThreadCalibration.FastAsync.CpuMs} ms CPU a request), pool 10, context switches {ThreadCalibration.Pod.ContextSwitchCpuMs * 1000:0.##} us per runnable thread past the cores per core");
        var byDefault = ThreadCalibration.SaturatedThroughput(2);
        foreach (var threads in new[] { 2, 16, 36, 72, 144, 256 })
        {
            var served = ThreadCalibration.SaturatedThroughput(threads);
            Line($"  min threads {threads,3}: {served,7:0} req/s, {served / byDefault:0.00}x the default");
        }

        Line($"  measured (issue 16): 144 threads served {ThreadCalibration.MeasuredRatio:0.00}x the default's throughput (at 2.2x its P99, which the open-loop model does not reproduce)");
        Line($"");
        Line($"Connections: closed-loop throughput of the fitted database law (2 cores, degradation {FittedDatabase.Database.Degradation}), each series as a ratio to its own value at the first client count");
        foreach (var (source, points) in PgbenchFigures)
        {
            var first = points[0];
            var model0 = FittedDatabase.Throughput(first.Clients);
            Line($"  {source}:");
            foreach (var (clients, tps) in points)
            {
                var measured = tps / first.Tps;
                var model = FittedDatabase.Throughput(clients) / model0;
                Line($"    {clients,3} clients: measured {measured:0.00}, model {model:0.00} ({(model - measured) / measured:+0%;-0%;0%})");
            }
        }
    }
}
