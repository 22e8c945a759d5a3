namespace Autotune.Engine.Decisions.Budget;

/// <summary>The arithmetic of the connection budget, in one place.</summary>
internal static class ConnectionMath
{
    /// <summary>(replicas + surge) x pool: what a steady set of pods may open, a rollout's surge included.</summary>
    public static int Steady(int replicas, int surge, int pool) =>
        checked((Math.Max(0, replicas) + Math.Max(0, surge)) * Math.Max(0, pool));
}
