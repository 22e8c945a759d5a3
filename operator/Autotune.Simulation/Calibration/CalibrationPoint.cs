namespace Autotune.Simulation.Calibration;

/// <summary>One measured point: what was measured, at what concurrency, the throughput, who measured it, and whether it fits or is held out.</summary>
/// <param name="Kind">What was measured (<c>pgbench-select</c>).</param>
/// <param name="Clients">Concurrent clients.</param>
/// <param name="Tps">Measured transactions per second.</param>
/// <param name="MeasuredBy">Who measured it, and how.</param>
/// <param name="HeldOut">True when the point only measures the error of the fit.</param>
public sealed record CalibrationPoint(string Kind, int Clients, double Tps, string MeasuredBy, bool HeldOut)
{
    /// <summary>The kind of a <c>pgbench -S</c> point.</summary>
    public const string PgbenchSelect = "pgbench-select";

    /// <summary>The kind of a <c>pgbench -S</c> point from another series (another protocol or machine load): never fitted, only compared.</summary>
    public const string PgbenchSelectCrossCheck = "pgbench-select-crosscheck";

    /// <summary>Parses the CSV (lines starting with # are comments; header kind,clients,tps,measured_by,set).</summary>
    public static IReadOnlyList<CalibrationPoint> ParseCsv(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var points = new List<CalibrationPoint>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("kind,", StringComparison.Ordinal))
            {
                continue;
            }

            var f = line.Split(',');
            if (f.Length != 5)
            {
                throw new FormatException($"calibration line '{line}' has {f.Length} fields, 5 expected (kind,clients,tps,measured_by,set)");
            }

            points.Add(new CalibrationPoint(f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture),
                double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), f[3], f[4] == "holdout"));
        }

        return points;
    }
}
