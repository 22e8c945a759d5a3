using Autotune.Simulation.Model;

namespace Autotune.Simulation.Calibration;

/// <summary>
/// Fits the database model (effective cores, CPU per query, client time, degradation past the cores) to the
/// <c>pgbench -S</c> points marked "fit" by exhaustive search on a grid minimising the squared log error, and reports
/// the error on every point, held-out ones included.
/// </summary>
public static class DatabaseCalibration
{
    /// <summary>Fits <paramref name="points"/> (only <see cref="CalibrationPoint.PgbenchSelect"/> points are used).</summary>
    public static CalibrationResult Fit(IReadOnlyList<CalibrationPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var pg = points.Where(p => p.Kind == CalibrationPoint.PgbenchSelect).ToList();
        var fit = pg.Where(p => !p.HeldOut).ToList();
        if (fit.Count < 2)
        {
            throw new ArgumentException("at least two pgbench-select points marked fit are needed", nameof(points));
        }

        var best = (Cores: 1, Query: 0.1, Client: 0.1, Degradation: 0.0, Loss: double.MaxValue);
        foreach (var cores in new[] { 1, 2 })
        {
            foreach (var query in Geometric(0.01, 1.0, 32))
            {
                foreach (var client in Geometric(0.005, 1.0, 32))
                {
                    foreach (var degradation in Enumerable.Range(0, 21).Select(i => i * 0.005))
                    {
                        var model = Model(cores, query, client, degradation);
                        var loss = fit.Sum(p => Square(Math.Log(model.Throughput(p.Clients) / p.Tps)));
                        if (loss < best.Loss)
                        {
                            best = (cores, query, client, degradation, loss);
                        }
                    }
                }
            }
        }

        var fitted = Model(best.Cores, best.Query, best.Client, best.Degradation);
        return new CalibrationResult(best.Cores, best.Query, best.Client, best.Degradation,
            [.. pg.Select(p => (p, fitted.Throughput(p.Clients)))]);
    }

    private static ClosedLoopBenchmark Model(int cores, double query, double client, double degradation) =>
        new(new DatabaseOptions { Cores = cores, Degradation = degradation }, query, client);

    private static IEnumerable<double> Geometric(double from, double to, int steps) =>
        Enumerable.Range(0, steps).Select(i => from * Math.Pow(to / from, i / (double)(steps - 1)));

    private static double Square(double x) => x * x;
}
