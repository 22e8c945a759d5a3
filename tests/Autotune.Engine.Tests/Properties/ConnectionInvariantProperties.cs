using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;
using CsCheck;
using Xunit;

namespace Autotune.Engine.Tests.Properties;

public sealed class ConnectionInvariantProperties
{
    // Floors at about half of what the generators reach (measured 3,600-3,630 of 10,000 and 990-1,070 of 6,000; each
    // run prints its count), so a generator that stops reaching the premise fails the property instead of leaving it
    // checking a handful of cases.
    private const int PlannerFloor = 1800;
    private const int DecisionFloor = 500;

    [Fact]
    public void Every_state_of_every_plan_the_planner_accepts_keeps_the_invariant()
    {
        var gen =
            from ledger in Generators.LedgerFor(new Settings(null, null, null, null))
            from self in Gen.Select(Gen.Int[1, 12], Gen.Int[0, 3], Gen.Int[1, 60])
            from target in Gen.Select(Gen.Int[1, 24], Gen.Int[1, 120], Gen.Int[50, 1500])
            from swap in Gen.OneOf(Gen.Const(SwapKind.HotSwap), Gen.Const(SwapKind.Rollout), Gen.Const(SwapKind.BoundedSwap))
            from busy in Gen.Int[0, 60]
            where ledger is not null
            select (ledger, self, target, swap, busy);

        // Checked: a start that holds and a plan the planner accepts (the states the invariant is about).
        CheckedSample.Run(gen, iter: 10000, minChecked: PlannerFloor, t =>
        {
            var entry = new LedgerEntry { ApiId = "me", Replicas = t.self.Item1, Surge = t.self.Item2, PoolSize = t.self.Item3 };
            var ledger = t.ledger!.With(entry);
            if (!ledger.Holds)
            {
                return false;
            }

            var plan = ConnectionPlanner.Plan(ledger, entry, (ledger.MaxConnections, t.target.Item3), (t.target.Item1, t.target.Item2),
                t.swap, t.busy);
            if (plan.Fits)
            {
                IndependentBudget.AssertEveryStateFits(ledger, "me", entry.Replicas, entry.Surge, entry.PoolSize, plan.Steps, t.swap, t.busy, "planner");
                Assert.True(ledger.With(ConnectionPlanner.Claim(entry, plan.Steps.FirstOrDefault() ?? new PlanStep(Knob.Replicas, entry.Replicas, entry.Replicas, 0, 0),
                    t.swap, t.busy)).Holds);
            }

            return plan.Fits;
        });
    }

    [Fact]
    public void The_connection_invariant_holds_in_every_state_of_every_decision_mid_change_included()
    {
        // Checked: a start that holds and a decision that plans a change or claims connections.
        CheckedSample.Run(InputGenerators.AnyInput, iter: 6000, minChecked: DecisionFloor, input =>
        {
            if (input.Ledger is not { } ledger || input.Current is not { Replicas: { } r, DbMaxPoolSize: { } p })
            {
                return false;
            }

            var surge = Math.Max(0, input.Spec.Apply.MaxSurge);
            var start = ledger.With(new LedgerEntry { ApiId = input.ApiId, Replicas = r, Surge = surge, PoolSize = p })
                with
            { ReservedConnections = Math.Max(ledger.ReservedConnections, input.Spec.Postgres?.ReservedConnections ?? 0) };
            if (!start.Holds)
            {
                return false; // A broken start is repaired first; the repair is tested on its own.
            }

            var d = TuningEngine.Decide(input);
            var usage = input.Window?.PoolUsage ?? double.NaN;
            var busy = double.IsNaN(usage) ? p : (int)Math.Ceiling(Math.Clamp(usage, 0, 1) * p);
            var swap = input.Spec.Apply.Method != ApplyMethod.HotReload ? SwapKind.Rollout
                : input.Window is { Pods: > 0, MissingPods: 0 } w && w.BoundedSwapPods >= w.Pods ? SwapKind.BoundedSwap
                : SwapKind.HotSwap;
            IndependentBudget.AssertEveryStateFits(start, input.ApiId, r, surge, p, d.Plan, swap, busy, d.Message);
            if (d.Claim is not null)
            {
                Assert.True(start.With(d.Claim).Holds, $"claim breaks the ledger: {d.Message}");
            }

            return d.Plan.Count > 0 || d.Claim is not null;
        });
    }
}
