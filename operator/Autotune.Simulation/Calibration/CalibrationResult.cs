namespace Autotune.Simulation.Calibration;

/// <summary>A fitted database model and its error on every point, fitted and held out.</summary>
/// <param name="Cores">Cores of the server (the benchmark client shares them; its cost is in the client time and the degradation).</param>
/// <param name="QueryCpuMs">Server CPU per <c>pgbench -S</c> query.</param>
/// <param name="ClientMs">Time per transaction outside the server.</param>
/// <param name="Degradation">Slowdown per session past the cores (<see cref="Model.DatabaseOptions.Degradation"/>).</param>
/// <param name="Points">Each point with the model's prediction.</param>
public sealed record CalibrationResult(int Cores, double QueryCpuMs, double ClientMs, double Degradation,
    IReadOnlyList<(CalibrationPoint Point, double Predicted)> Points)
{
    /// <summary>Points of other series compared with the fitted model (not part of the fit or its held-out error).</summary>
    public IReadOnlyList<(CalibrationPoint Point, double Predicted)> CrossCheck { get; init; } = [];

    /// <summary>Relative error of one prediction: |predicted - measured| / measured.</summary>
    public static double Error(CalibrationPoint point, double predicted)
    {
        ArgumentNullException.ThrowIfNull(point);
        return Math.Abs(predicted - point.Tps) / point.Tps;
    }

    /// <summary>Mean relative error on the held-out points.</summary>
    public double HeldOutMeanError => Mean(true);

    /// <summary>Largest relative error on a held-out point.</summary>
    public double HeldOutMaxError => Points.Where(p => p.Point.HeldOut).Select(p => Error(p.Point, p.Predicted)).DefaultIfEmpty(double.NaN).Max();

    /// <summary>Mean relative error on the fitted points.</summary>
    public double FitMeanError => Mean(false);

    private double Mean(bool heldOut) =>
        Points.Where(p => p.Point.HeldOut == heldOut).Select(p => Error(p.Point, p.Predicted)).DefaultIfEmpty(double.NaN).Average();
}
