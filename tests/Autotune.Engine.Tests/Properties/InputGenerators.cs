using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using CsCheck;

namespace Autotune.Engine.Tests.Properties;

/// <summary>Random tuning states and whole decision inputs.</summary>
internal static class InputGenerators
{
    private static readonly Knob[] AllKnobs = Enum.GetValues<Knob>();

    public static Gen<TuningState> StateFor(ApiTuningSpec spec, Settings settings, ObservedWindow? window) =>
        from kind in Gen.Frequency((3, Gen.Const(0)), (3, Gen.Const(1)), (2, Gen.Const(2)), (1, Gen.Const(3)))
        from knob in Gen.OneOf(AllKnobs)
        from random in Generators.Window
        from worse in Gen.Select(Gen.Double[0.5, 1.3], Gen.Double[0.9, 1.1])
        let before = window is null || worse.Item1 > 1.25 ? WindowSummary.Of(random)
            : WindowSummary.Of(window) with { P99Ms = window.P99Ms * worse.Item1, Rps = window.Rps * worse.Item2, ConnectionHoldMeanMs = window.ConnectionHoldMeanMs * worse.Item1 }
        from ago in Gen.Int[0, 7200]
        from confirmed in Gen.Frequency((1, Gen.Const(-1)), (3, Gen.Int[0, 300]))
        from generation in Gen.Long[0, 10]
        select kind switch
        {
            1 when StepBounds.BudgetOf(spec.Knobs, knob) is { } b && settings.Get(knob) is { } now => TuningState.Empty with
            {
                Pending = new PendingChange
                {
                    Knob = knob,
                    From = Math.Clamp(now - 3, b.Min, b.Max),
                    To = now,
                    Reason = "Test",
                    DecidedAt = Generators.Now.AddSeconds(-ago),
                    ExpectedGeneration = generation,
                    ConfirmedAt = confirmed < 0 ? null : Generators.Now.AddSeconds(-confirmed),
                    Before = before,
                },
            },
            2 when settings.Get(knob) is { } now => TuningState.Empty with
            {
                History =
                [
                    new HistoryEntry(new Decision
                    {
                        Kind = DecisionKind.Change, Bottleneck = Bottleneck.None, Reason = "Test", Message = "m",
                        Knob = knob, From = Math.Max(1, now / 2), To = now, Time = Generators.Now.AddSeconds(-ago),
                    }, before),
                ],
                ComfortableSince = Generators.Now.AddSeconds(-ago),
            },
            3 => TuningState.Empty with
            {
                Barred = [new BarredMove(knob, confirmed % 2 == 0 ? Direction.Up : Direction.Down, Generators.Now.AddSeconds(ago), "test")],
                ComfortableSince = Generators.Now.AddSeconds(-ago),
            },
            _ => TuningState.Empty,
        };

    public static Gen<DecisionInput> Inputs(Gen<ApiTuningSpec> specs) =>
        from spec in specs
        from settings in Generators.SettingsFor(spec)
        from window in Gen.Frequency((1, Gen.Const((ObservedWindow?)null)), (9, Generators.Window.Select(w => (ObservedWindow?)w)))
        from ledger in Generators.LedgerFor(settings)
        from state in StateFor(spec, settings, window)
        select new DecisionInput
        {
            ApiId = Generators.Api,
            Spec = spec,
            Window = window,
            Current = settings,
            State = state,
            Ledger = ledger,
            Now = Generators.Now,
        };

    public static readonly Gen<DecisionInput> AnyInput = Inputs(Generators.AnySpec);
}
