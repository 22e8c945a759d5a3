using Autotune.Simulation.Model;

namespace Autotune.Simulation.Calibration;

/// <summary>
/// What the database model predicts for a closed-loop benchmark such as <c>pgbench -S</c>: N clients, each sending
/// its next query as soon as the last returns, spending <see cref="ClientMs"/> outside the server per transaction.
/// Uses the same query-time law as the simulation (<see cref="DatabaseServer.StretchAt"/>).
/// </summary>
/// <param name="Database">The server model (cores, degradation).</param>
/// <param name="QueryCpuMs">Server CPU per query at idle, in milliseconds.</param>
/// <param name="ClientMs">Time per transaction outside the server (client, network, protocol), in milliseconds.</param>
public sealed record ClosedLoopBenchmark(DatabaseOptions Database, double QueryCpuMs, double ClientMs)
{
    /// <summary>Predicted transactions per second with <paramref name="clients"/> clients (fixed point of X = N / (client + query time)).</summary>
    public double Throughput(int clients)
    {
        var s = QueryCpuMs / 1000;
        var r = ClientMs / 1000;
        var q = s;
        var x = clients / (r + s);
        for (var i = 0; i < 200; i++)
        {
            var executing = Math.Min(clients, x * q);
            q = s * DatabaseServer.StretchAt(Database, executing, Math.Min(0.99, x * s / Database.Cores), clients);
            var next = clients / (r + q);
            if (Math.Abs(next - x) < 1e-6 * x)
            {
                return next;
            }

            x = (0.5 * x) + (0.5 * next);
        }

        return x;
    }
}
