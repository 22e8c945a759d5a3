using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>Bounded steps: a knob at most doubles (or rises by a small fixed amount) and at most halves per step, inside its budget.</summary>
public static class StepBounds
{
    /// <summary>The fixed rise allowed per step when doubling would be smaller (small values).</summary>
    public static int MinRise(Knob knob) => knob switch
    {
        Knob.Replicas => 3,
        Knob.ThreadPoolMinThreads => 16,
        Knob.DbMaxPoolSize => 8,
        Knob.PostgresMaxConnections => 50,
        _ => 1,
    };

    /// <summary>The largest value one step may reach from <paramref name="from"/>.</summary>
    public static int MaxUp(Knob knob, int from) => (int)Math.Min(int.MaxValue, Math.Max(2L * from, (long)from + MinRise(knob)));

    /// <summary>
    /// The largest value one raise of minimum threads may reach from <paramref name="from"/> when the threads are
    /// measured blocked with CPU to spare (<see cref="Diagnosis.StarvationSignal.Blocked"/>): four times, or the fixed
    /// rise when that is more. Blocked threads wait rather than run, so on idle cores more of them cost memory, not
    /// CPU, and doubling from the runtime's default takes four judged windows to reach the hundreds a blocking path
    /// needs (measured in the proof's bursty-starvation run: 2 -> 18 -> 36 -> 72 -> 144 -> 256, the grid's best 256).
    /// </summary>
    public static int MaxUpBlocked(int from) => (int)Math.Min(int.MaxValue, Math.Max(4L * from, (long)from + MinRise(Knob.ThreadPoolMinThreads)));

    /// <summary>The smallest value one step may reach from <paramref name="from"/>.</summary>
    public static int MinDown(int from) => from <= 1 ? from : (from + 1) / 2;

    /// <summary>A wanted value bounded by the step limits and the budget.</summary>
    public static int Bound(Knob knob, int from, int wanted, KnobBudget budget) => Bound(from, wanted, MaxUp(knob, from), budget);

    /// <summary>A wanted value bounded by the budget, a halving down and <paramref name="maxUp"/> up.</summary>
    public static int Bound(int from, int wanted, int maxUp, KnobBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var stepped = Math.Clamp(wanted, MinDown(from), Math.Max(from, maxUp));
        return Math.Clamp(stepped, budget.Min, Math.Max(budget.Min, budget.Max));
    }

    /// <summary>The budget of one knob, or null when the spec leaves it out (it is then never touched).</summary>
    public static KnobBudget? BudgetOf(KnobsSpec knobs, Knob knob)
    {
        ArgumentNullException.ThrowIfNull(knobs);
        return knob switch
        {
            Knob.Replicas => knobs.Replicas,
            Knob.ThreadPoolMinThreads => knobs.ThreadPoolMinThreads,
            Knob.DbMaxPoolSize => knobs.DbMaxPoolSize,
            Knob.PostgresMaxConnections => knobs.PostgresMaxConnections,
            _ => null,
        };
    }
}
