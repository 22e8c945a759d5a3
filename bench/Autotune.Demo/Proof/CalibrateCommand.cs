using System.Diagnostics;
using System.Globalization;

namespace Autotune.Demo.Proof;

/// <summary>
/// `calibrate --knees FILE [--out FILE] [--profile NAME]... [--minutes N] [--knee p99|with-lag]`: fits the
/// simulator to a proof run's knees at its grid settings (the knees JSON beside its report) and prints the section "Simulator calibration: predicted
/// against measured knee"; with --out it also puts the section into that report between the calibration markers
/// (or writes a new file with it). Exit code 2 for bad arguments or input, with a line naming what to fix.
/// </summary>
public static class CalibrateCommand
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: calibrate --knees FILE [--out FILE] [--profile NAME]... [--minutes N] [--knee p99|with-lag]";

    /// <summary>The parsed arguments.</summary>
    /// <param name="Knees">The knees JSON.</param>
    /// <param name="Out">The report to put the section in, or null.</param>
    /// <param name="Profiles">Only these profiles (empty: every profile in the file).</param>
    /// <param name="MinutesPerRate">Simulated minutes per ramp rate.</param>
    /// <param name="Judged">Which measured knee is fitted: judged on P99 and errors (p99, the default) or with the generator's send lag too (with-lag).</param>
    public sealed record Options(string Knees, string? Out, IReadOnlyList<string> Profiles, double MinutesPerRate, KneeJudged Judged = KneeJudged.IgnoringLag);

    /// <summary>Reads the arguments after `calibrate`; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public static Options Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? knees = null, output = null;
        var profiles = new List<string>();
        var minutes = SimulatorCalibration.MinutesPerRate;
        var judged = KneeJudged.IgnoringLag;
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value; {Usage}");
            switch (args[i])
            {
                case "--knees":
                    knees = Next();
                    break;
                case "--out":
                    output = Next();
                    break;
                case "--profile":
                    profiles.Add(Next());
                    break;
                case "--minutes":
                    var text = Next();
                    minutes = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m >= 1 && m <= 10
                        ? m
                        : throw new ArgumentException($"--minutes must be a number from 1 to 10, not '{text}'");
                    break;
                case "--knee":
                    var knee = Next();
                    judged = knee switch
                    {
                        "p99" => KneeJudged.IgnoringLag,
                        "with-lag" => KneeJudged.WithLag,
                        _ => throw new ArgumentException($"--knee must be p99 or with-lag, not '{knee}'"),
                    };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'; {Usage}");
            }
        }

        return new Options(knees ?? throw new ArgumentException($"--knees FILE is required; {Usage}"), output, profiles, minutes, judged);
    }

    /// <summary>Runs the calibration; returns the exit code (0, or 2 for bad arguments or input).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var options = Parse(args);
            var watch = Stopwatch.StartNew();
            var knees = KneesFile.Read(options.Knees);
            var workloads = SimulatorCalibration.Workloads(knees, options.Knees, options.Profiles, options.Judged);
            var calibrations = new List<WorkloadCalibration>();
            foreach (var (profile, profiles, points) in workloads)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var calibration = SimulatorCalibration.Calibrate(profile.Workload, profiles, points, profile.StartRate, SimulatorCalibration.Predictor(profile, options.MinutesPerRate));
                calibrations.Add(calibration);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"calibrate: {profile.Workload}: {calibration.Parameters}; train error {calibration.TrainError:0%}, held-out error {calibration.HeldOutError:0%} ({(calibration.Meets ? "meets" : "misses")} <= {SimulatorCalibration.TargetError:0%}); {calibration.Predictions} simulated rates in {calibration.Seconds:0} s"));
            }

            var command = "dotnet run -c Release --project bench/Autotune.Demo -- calibrate " + string.Join(' ', args);
            var section = SimulatorCalibration.Markdown(calibrations, command, options.Knees, options.MinutesPerRate, watch.Elapsed.TotalSeconds, options.Judged);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(section);
            if (options.Out is { } path)
            {
                var report = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : string.Empty;
                await File.WriteAllTextAsync(path, report.Length == 0 ? section : SimulatorCalibration.Splice(report, section), cancellationToken);
                await output.WriteLineAsync($"calibrate: section written to {path}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or CalibrationInputException)
        {
            await error.WriteLineAsync($"calibrate: {ex.Message}");
            return 2;
        }
    }
}
