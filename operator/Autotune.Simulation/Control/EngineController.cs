using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Metrics;

namespace Autotune.Simulation.Control;

/// <summary>
/// The engine under test, wired as the operator wires it: the pods' Prometheus text is parsed by the engine's own
/// parser, windowed by its window builder, and decided on by <see cref="TuningEngine.Decide"/> once per window,
/// one ApiTuning at a time against the server's ledger; the first step of each action is applied and the state
/// moves on through <see cref="TuningStateTransitions.Next"/>.
/// </summary>
public sealed class EngineController : IController
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ExpositionParser _parser = new();
    private readonly Dictionary<int, TuningState> _states = [];
    private readonly Dictionary<int, LedgerEntry> _claims = [];
    private readonly double _period;

    /// <summary>An engine controller deciding every <paramref name="periodSeconds"/> (the spec's window).</summary>
    public EngineController(double periodSeconds = 60) => _period = periodSeconds;

    /// <inheritdoc />
    public string Name => "engine";

    /// <inheritdoc />
    public double PeriodSeconds => _period;

    /// <inheritdoc />
    public bool ReadsScrapes => true;

    /// <summary>Every decision made, oldest first, with the index of its API (for reports and tests).</summary>
    public List<(int Api, Decision Decision)> Decisions { get; } = [];

    /// <summary>The simulated time as the engine's clock.</summary>
    public static DateTimeOffset At(double seconds) => Epoch.AddSeconds(seconds);

    /// <inheritdoc />
    public IReadOnlyList<KnobChange> Control(ControlContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var changes = new List<KnobChange>();
        if (context.Now <= 0)
        {
            return changes;
        }

        var cluster = context.Cluster;
        var now = At(context.Now);
        for (var i = 0; i < cluster.Apis.Count; i++)
        {
            var spec = context.Scenario.Specs[i];
            var window = BuildWindow(context, i, spec);
            var state = _states.GetValueOrDefault(i, TuningState.Empty);
            if (state.Pending is null)
            {
                _claims.Remove(i);
            }

            var current = context.CurrentSettings(i);
            var input = new DecisionInput
            {
                ApiId = "default/" + spec.TargetRef.Name,
                Spec = spec,
                Window = window,
                Current = current,
                State = state,
                Ledger = Ledger(context),
                Now = now,
            };
            var decision = TuningEngine.Decide(input);
            Decisions.Add((i, decision));
            long? generation = null;
            if (decision.IsAction && decision is { Knob: { } knob, To: { } to })
            {
                changes.Add(new KnobChange(i, knob, to, decision.Message));
                if (knob is Knob.ThreadPoolMinThreads or Knob.DbMaxPoolSize)
                {
                    generation = cluster.Apis[i].Tuning.Generation + 1;
                }

                // The claim keeps the change's peak on the ledger the next ApiTunings on this server decide against.
                if (decision.Claim is { } claim)
                {
                    _claims[i] = claim;
                }
            }

            _states[i] = TuningStateTransitions.Next(input, decision, generation);
        }

        return changes;
    }

    private DatabaseLedger Ledger(ControlContext context)
    {
        var cluster = context.Cluster;
        var db = cluster.Database;
        var entries = new List<LedgerEntry>();
        for (var i = 0; i < cluster.Apis.Count; i++)
        {
            var api = cluster.Apis[i];
            var spec = context.Scenario.Specs[i];
            entries.Add(_claims.TryGetValue(i, out var claim)
                ? claim
                : new LedgerEntry { ApiId = "default/" + spec.TargetRef.Name, Replicas = api.Replicas, Surge = spec.Apply.MaxSurge, PoolSize = api.Tuning.PoolSize });
        }

        return new DatabaseLedger
        {
            Server = db.Options.Name,
            MaxConnections = db.MaxConnections,
            PendingMaxConnections = db.PendingMaxConnections,
            SuperuserReservedConnections = db.Options.SuperuserReserved,
            AdminConnections = 1,
            ReservedConnections = context.Scenario.Specs.Max(s => s.Postgres?.ReservedConnections ?? 0),
            Entries = entries,
        };
    }

    private ObservedWindow BuildWindow(ControlContext context, int index, ApiTuningSpec spec)
    {
        var scrapes = new List<Scrape>();
        var cores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var s in context.Scrapes[index])
        {
            scrapes.Add(ToScrape(s));
        }

        var ready = context.Cluster.Apis[index].ReadyPods(context.Now).ToList();
        foreach (var pod in ready)
        {
            cores[pod.Name] = pod.Cores;
        }

        return WindowBuilder.Build(scrapes, new WindowOptions
        {
            LatencyObjectiveMs = spec.Objectives.P99LatencyMs,
            CoresByPod = cores,
            ExpectedPods = [.. ready.Select(p => p.Name)],
        });
    }

    private Scrape ToScrape(ScrapeResult s)
    {
        var time = At(s.Time);
        return s.Text is null ? Scrape.Failed(s.Pod, time, s.LatencyMs) : Scrape.Parsed(s.Pod, time, s.LatencyMs, _parser.Parse(s.Text));
    }
}
