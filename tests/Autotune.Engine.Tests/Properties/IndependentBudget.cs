using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Resource.Spec;
using Xunit;

namespace Autotune.Engine.Tests.Properties;

/// <summary>
/// The connection invariant recomputed from first principles, step by step, apart from the planner's own code:
/// the state before each step, the moment during it (surge pods, and while pods swap pools the old pool's busy
/// connections beside the new pool, or the larger pool for pods that bound their swap) and the state after must all
/// fit under max_connections minus the reserve.
/// </summary>
internal static class IndependentBudget
{
    public static void AssertEveryStateFits(DatabaseLedger ledger, string apiId, int replicas, int surge, int pool,
        IReadOnlyList<PlanStep> steps, SwapKind swap, int busyPerPod, string context)
    {
        var others = ledger.Entries.Where(e => e.ApiId != apiId).Sum(e => e.Demand);
        var mc = ledger.EffectiveMaxConnections;
        var (r, p) = (replicas, pool);
        void Fits(int demand, int maxConnections, string moment) =>
            Assert.True(others + demand <= maxConnections - ledger.Reserved,
                $"{moment}: {others} + {demand} > {maxConnections} - {ledger.Reserved} ({context})");

        Fits((r + surge) * p, mc, "start");
        var swapped = false;
        foreach (var s in steps)
        {
            switch (s.Knob)
            {
                case Knob.DbMaxPoolSize:
                    var busy = swapped ? p : Math.Min(busyPerPod, p);
                    swapped = true;
                    var during = swap switch
                    {
                        SwapKind.HotSwap => (r * (busy + s.To)) + (surge * s.To),
                        SwapKind.BoundedSwap => (r * Math.Max(p, s.To)) + (surge * s.To),
                        _ => (r + surge) * Math.Max(p, s.To),
                    };
                    Fits(during, mc, $"swapping pool {p} -> {s.To}");
                    p = s.To;
                    break;
                case Knob.Replicas:
                    Fits((Math.Max(r, s.To) + surge) * p, mc, $"replicas {r} -> {s.To}");
                    r = s.To;
                    break;
                case Knob.PostgresMaxConnections:
                    Fits((r + surge) * p, Math.Min(mc, s.To), $"max_connections {mc} -> {s.To}");
                    mc = s.To;
                    break;
            }

            Fits((r + surge) * p, mc, $"after {s.Knob} -> {s.To}");
        }
    }
}
