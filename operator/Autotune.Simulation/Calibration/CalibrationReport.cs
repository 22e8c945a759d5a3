using System.Globalization;
using System.Text;

namespace Autotune.Simulation.Calibration;

/// <summary>Renders bench/engine/calibration.md: the inputs, the fitted parameters and the error on every point.</summary>
public static class CalibrationReport
{
    /// <summary>The command that rewrites the file.</summary>
    public const string Command = "dotnet run -c Release --project operator/Autotune.Simulation -- calibrate";

    /// <summary>The markdown for <paramref name="result"/>.</summary>
    public static string Render(CalibrationResult result, string source)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        void Line(FormattableString s) => sb.Append(s.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line($"# Simulator calibration");
        Line($"");
        Line($"Written by `{Command}` from `{source}` (its header says who measured what, when and how).");
        Line($"");
        Line($"Fitted database model (coarse grid, then a pattern search, minimising squared log error on the points marked fit):");
        Line($"");
        Line($"- cores {result.Cores} (PostgreSQL shares them with the pgbench client, whose cost lands in the client time and the degradation)");
        Line($"- server CPU per `pgbench -S` query {result.QueryCpuMs:0.000} ms");
        Line($"- time per transaction outside the server (client, loopback, protocol) {result.ClientMs:0.000} ms");
        Line($"- degradation per session past the cores {result.Degradation:0.000} (`DatabaseOptions.Degradation`)");
        Line($"");
        Line($"| clients | set | measured tps | model tps | error | measured by |");
        Line($"| ---: | --- | ---: | ---: | ---: | --- |");
        foreach (var (p, predicted) in result.Points.OrderBy(p => p.Point.Clients))
        {
            Line($"| {p.Clients} | {(p.HeldOut ? "held out" : "fit")} | {p.Tps:0} | {predicted:0} | {CalibrationResult.Error(p, predicted):P1} | {p.MeasuredBy} |");
        }

        Line($"");
        if (result.CrossCheck.Count > 0)
        {
            Line($"");
            Line($"Cross-check against another series (not fitted, not part of the held-out error):");
            Line($"");
            Line($"| clients | measured tps | model tps | error | measured by |");
            Line($"| ---: | ---: | ---: | ---: | --- |");
            foreach (var (p, predicted) in result.CrossCheck.OrderBy(p => p.Point.Clients))
            {
                Line($"| {p.Clients} | {p.Tps:0} | {predicted:0} | {CalibrationResult.Error(p, predicted):P1} | {p.MeasuredBy} |");
            }
        }

        Line($"");
        Line($"Mean error on the fitted points {result.FitMeanError:P1}; on the held-out points mean {result.HeldOutMeanError:P1}, worst {result.HeldOutMaxError:P1} (target: within 25%: {(result.HeldOutMaxError <= 0.25 ? "met" : "not met")}).");
        return sb.ToString();
    }
}
