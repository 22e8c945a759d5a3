namespace Autotune.Simulation.Model;

/// <summary>
/// Closed-form queueing approximations used inside a tick: the fluid backlog carries overload, these carry the
/// random waits below saturation that a fluid model alone would miss.
/// </summary>
public static class Queueing
{
    /// <summary>
    /// Mean wait in queue of an M/M/c queue, in units of the service time (Sakasegawa's approximation):
    /// rho^(sqrt(2(c+1)) - 1) / (c (1 - rho)). Capped near saturation, where the fluid backlog takes over.
    /// </summary>
    public static double WaitFactor(double utilization, double servers)
    {
        if (utilization <= 0 || servers <= 0)
        {
            return 0;
        }

        var rho = Math.Min(utilization, 0.98);
        return Math.Pow(rho, Math.Sqrt(2 * (servers + 1)) - 1) / (servers * (1 - rho));
    }

    /// <summary>Erlang B: the probability that an arrival finds all <paramref name="servers"/> busy at <paramref name="offered"/> erlangs.</summary>
    public static double ErlangB(double offered, int servers)
    {
        if (servers <= 0)
        {
            return 1;
        }

        var b = 1.0;
        for (var k = 1; k <= servers; k++)
        {
            b = offered * b / (k + (offered * b));
        }

        return b;
    }
}
