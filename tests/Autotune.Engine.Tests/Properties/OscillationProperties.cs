using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using CsCheck;
using Xunit;

namespace Autotune.Engine.Tests.Properties;

public sealed class OscillationProperties
{
    /// <summary>
    /// An hour of windows at steady load: every change is applied and reported by the pods at once, the ledger
    /// follows the settings, and the metrics stay as they were. No knob may change direction more than once, no
    /// knob may leave its budget and the ledger must hold after every claim.
    /// </summary>
    [Fact]
    public void At_steady_load_no_knob_reverses_direction_more_than_once_an_hour()
    {
        var gen =
            from spec in Generators.Spec(Gen.Const(TuningMode.Auto))
            from settings in Generators.SettingsFor(spec)
            from window in Generators.Window
            from ledger in Generators.LedgerFor(settings)
            select (spec, settings, window, ledger);

        // Checked: an hour in which some knob moved (measured 294-301 of 600).
        CheckedSample.Run(gen, iter: 600, minChecked: 150, t => RunAnHour(t.spec, t.settings, t.ledger, (s, now, generation) => t.window with
        {
            Start = now.AddSeconds(-60),
            End = now,
            Scrapes = Math.Max(4, t.window.Scrapes),
            MissingPods = 0,
            Pods = s.Replicas ?? t.window.Pods,
            AppliedGenerationMin = generation,
            AppliedMinThreads = s.ThreadPoolMinThreads,
            AppliedPoolSize = s.DbMaxPoolSize,
        }));
    }

    /// <summary>The same, with windows that answer the settings through a small model of the service.</summary>
    [Fact]
    public void At_steady_load_of_a_responsive_service_no_knob_reverses_direction_more_than_once_an_hour()
    {
        var gen =
            from spec in Generators.Spec(Gen.Const(TuningMode.Auto))
            from settings in Generators.SettingsFor(spec)
            from model in SteadyLoadModel.Gen
            from ledger in Generators.LedgerFor(settings)
            select (spec, settings, model, ledger);

        // Checked: an hour in which some knob moved (measured 420-421 of 600).
        CheckedSample.Run(gen, iter: 600, minChecked: 200, t => RunAnHour(t.spec, t.settings, t.ledger, t.model.Window));
    }

    /// <summary>Runs the hour and asserts it; true when some knob moved in it.</summary>
    private static bool RunAnHour(ApiTuningSpec spec, Settings initial, DatabaseLedger? ledger, Func<Settings, DateTimeOffset, long, ObservedWindow> observe)
    {
        {
            var current = initial;
            var state = TuningState.Empty;
            var generation = 1L;
            var moves = new Dictionary<Knob, List<Direction>>();
            var log = new List<string>();
            var start = Generators.Now;
            for (var i = 0; i < 60; i++)
            {
                var now = start.AddMinutes(i);
                var window = observe(current, now, generation);
                var input = new DecisionInput
                {
                    ApiId = Generators.Api,
                    Spec = spec,
                    Window = window,
                    Current = current,
                    State = state,
                    Ledger = Follow(ledger, current, spec),
                    Now = now,
                };
                var d = TuningEngine.Decide(input);
                long? expected = null;
                if (d.IsAction && d is { Knob: { } knob, From: { } from, To: { } to })
                {
                    if (knob is Knob.ThreadPoolMinThreads or Knob.DbMaxPoolSize)
                    {
                        expected = ++generation;
                    }

                    current = current.With(knob, to);
                    (moves.TryGetValue(knob, out var list) ? list : moves[knob] = []).Add(to > from ? Direction.Up : Direction.Down);
                    log.Add($"{i} min: {d.Message}");
                }

                state = TuningStateTransitions.Next(input, d, expected);
            }

            foreach (var (knob, directions) in moves)
            {
                var reversals = directions.Zip(directions.Skip(1)).Count(p => p.First != p.Second);
                Assert.True(reversals <= 1, $"{knob} moved {string.Join(", ", directions)} in an hour at steady load:\n{string.Join("\n", log)}");
            }

            return moves.Count > 0;
        }
    }

    private static DatabaseLedger? Follow(DatabaseLedger? ledger, Settings current, ApiTuningSpec spec) =>
        ledger is null || current is not { Replicas: { } r, DbMaxPoolSize: { } p }
            ? ledger
            : ledger.With(new LedgerEntry { ApiId = Generators.Api, Replicas = r, Surge = spec.Apply.MaxSurge, PoolSize = p })
                with
            { MaxConnections = current.PostgresMaxConnections ?? ledger.MaxConnections };
}
