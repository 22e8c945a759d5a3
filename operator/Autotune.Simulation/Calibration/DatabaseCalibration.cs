using Autotune.Simulation.Model;

namespace Autotune.Simulation.Calibration;

/// <summary>
/// Fits the database model (CPU per query, client time, degradation past the cores, for a given core count) to the
/// <c>pgbench -S</c> points marked "fit" by exhaustive search on a grid minimising the squared log error, and reports
/// the error on every point, held-out ones included.
/// </summary>
public static class DatabaseCalibration
{
    /// <summary>
    /// Fits <paramref name="points"/> (only <see cref="CalibrationPoint.PgbenchSelect"/> points are used) for a server
    /// of <paramref name="cores"/> cores: a coarse grid, then a pattern search around its best point.
    /// </summary>
    public static CalibrationResult Fit(IReadOnlyList<CalibrationPoint> points, int cores = 2)
    {
        ArgumentNullException.ThrowIfNull(points);
        var pg = points.Where(p => p.Kind == CalibrationPoint.PgbenchSelect).ToList();
        var fit = pg.Where(p => !p.HeldOut).ToList();
        if (fit.Count < 2)
        {
            throw new ArgumentException("at least two pgbench-select points marked fit are needed", nameof(points));
        }

        double Loss(double query, double client, double degradation)
        {
            var model = Model(cores, query, client, degradation);
            return fit.Sum(p => Square(Math.Log(model.Throughput(p.Clients) / p.Tps)));
        }

        var best = (Query: 0.1, Client: 0.1, Degradation: 0.0, Loss: double.MaxValue);
        foreach (var query in Geometric(0.01, 1.0, 16))
        {
            foreach (var client in Geometric(0.005, 1.0, 16))
            {
                foreach (var degradation in Enumerable.Range(0, 11).Select(i => i * 0.01))
                {
                    var loss = Loss(query, client, degradation);
                    if (loss < best.Loss)
                    {
                        best = (query, client, degradation, loss);
                    }
                }
            }
        }

        var step = 0.25;
        for (var i = 0; i < 200 && step > 1e-4; i++)
        {
            var improved = false;
            foreach (var (dq, dc, dd) in new[] { (1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1) })
            {
                var q = best.Query * Math.Exp(dq * step);
                var c = best.Client * Math.Exp(dc * step);
                var d = Math.Max(0, best.Degradation + (dd * step * 0.02));
                var loss = Loss(q, c, d);
                if (loss < best.Loss)
                {
                    best = (q, c, d, loss);
                    improved = true;
                }
            }

            step = improved ? step : step / 2;
        }

        var fitted = Model(cores, best.Query, best.Client, best.Degradation);
        return new CalibrationResult(cores, best.Query, best.Client, best.Degradation,
            [.. pg.Select(p => (p, fitted.Throughput(p.Clients)))])
        {
            CrossCheck = [.. points.Where(p => p.Kind == CalibrationPoint.PgbenchSelectCrossCheck).Select(p => (p, fitted.Throughput(p.Clients)))],
        };
    }

    private static ClosedLoopBenchmark Model(int cores, double query, double client, double degradation) =>
        new(new DatabaseOptions { Cores = cores, Degradation = degradation }, query, client);

    private static IEnumerable<double> Geometric(double from, double to, int steps) =>
        Enumerable.Range(0, steps).Select(i => from * Math.Pow(to / from, i / (double)(steps - 1)));

    private static double Square(double x) => x * x;
}
