using Autotune.Contracts;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Metrics;

namespace Autotune.Simulation.Control;

/// <summary>
/// The engine under test, run exactly as the operator runs it: each API's pods' Prometheus text is parsed by the
/// engine's own parser, and once per window each API takes the operator's <see cref="TuningPass"/> (window, settings
/// in force, effective spec, ledger, awaiting-ledger hold, decision, order, next state) one ApiTuning at a time
/// against the server's <see cref="LedgerBook"/>; the order goes to the simulated world, which never fails to apply.
/// </summary>
public sealed class EngineController : IController
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ExpositionParser _parser = new();
    private readonly Dictionary<int, TuningState> _states = [];
    private readonly LedgerBook _ledgers = new();
    private readonly double _period;
    private bool _joined;

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

    /// <summary>Every pass, oldest first, with the index of its API.</summary>
    public List<(int Api, PassOutcome Outcome)> Passes { get; } = [];

    /// <summary>The simulated time as the engine's clock.</summary>
    public static DateTimeOffset At(double seconds) => Epoch.AddSeconds(seconds);

    /// <summary>The ApiTuning key the simulator gives an API.</summary>
    public static string ApiId(string targetName) => "default/" + targetName;

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
        var db = cluster.Database;
        var now = At(context.Now);
        if (!_joined)
        {
            // Every ApiTuning starts on the server together, as the operator's sessions join it when they start.
            foreach (var spec in context.Scenario.Specs)
            {
                _ledgers.Join(db.Options.Name, ApiId(spec.TargetRef.Name));
            }

            _joined = true;
        }

        for (var i = 0; i < cluster.Apis.Count; i++)
        {
            var api = cluster.Apis[i];
            var spec = context.Scenario.Specs[i];
            var apiId = ApiId(spec.TargetRef.Name);
            var ready = api.ReadyPods(context.Now).ToList();
            var up = !db.IsDown(context.Now);
            var database = up
                ? new DatabaseState(db.Options.Name, db.MaxConnections, db.Options.SuperuserReserved, (int)Math.Round(db.OpenConnections), db.PendingMaxConnections is not null, db.PendingMaxConnections)
                : null;
            var plan = TuningPass.Plan(new PassInput
            {
                ApiId = apiId,
                Spec = spec,
                Scrapes = [.. context.Scrapes[i].Select(ToScrape)],
                Pods = [.. ready.Select(p => new PodCapacity(p.Name, p.Cores))],
                DesiredReplicas = api.Replicas,
                ReadyReplicas = ready.Count,
                Delivered = new TuningFile(api.Tuning.Generation, api.Tuning.MinThreads, api.Tuning.PoolSize, ShedAfterMilliseconds: api.Tuning.ShedAfterMs),
                Database = database,
                DatabaseError = up ? null : "PostgreSQL could not be read (restarting); max_connections and the pool are left as they are",
                Server = database is not null ? _ledgers.View(database.Server, apiId) : ServerView.Alone,
                State = _states.GetValueOrDefault(i, TuningState.Empty),
                Now = now,
            });

            var report = ApplyReport.Nothing;
            ApplyReport Apply(ApplyOrder order)
            {
                switch (order)
                {
                    case ApplyOrder.Scale scale:
                        changes.Add(new KnobChange(i, Knob.Replicas, scale.Replicas, plan.Decision.Message));
                        return ApplyReport.Done;
                    case ApplyOrder.DeliverTuning deliver:
                        // Every in-process knob the file moves (a decision applied together moves both).
                        foreach (var (knob, to, now) in new[] { (Knob.ThreadPoolMinThreads, deliver.File.ThreadPoolMinThreads, api.Tuning.MinThreads), (Knob.DbMaxPoolSize, deliver.File.DbMaxPoolSize, api.Tuning.PoolSize) })
                        {
                            if (to is { } value && (value != now || knob == plan.Decision.Knob))
                            {
                                changes.Add(new KnobChange(i, knob, value, plan.Decision.Message) { ShedAfterMs = deliver.File.ShedAfterMilliseconds });
                            }
                        }

                        return ApplyReport.Done;
                    case ApplyOrder.SetMaxConnections set:
                        var restarted = set.RestartAllowed && set.To != db.MaxConnections;
                        changes.Add(new KnobChange(i, Knob.PostgresMaxConnections, set.To, plan.Decision.Message) { Restart = set.RestartAllowed });
                        return ApplyReport.Done with { MaxConnections = new MaxConnectionsResult(db.Options.Name, db.MaxConnections, set.To, restarted, restarted ? set.To : db.MaxConnections) };
                    case ApplyOrder.InTurn inTurn:
                        // The simulated server restarts at once when allowed, so SHOW reads the new value before the file goes out.
                        var last = ApplyReport.Done;
                        for (var carried = 0; carried < inTurn.Orders.Count; carried++)
                        {
                            var next = inTurn.Orders[carried];
                            var done = Apply(next);
                            last = last with { MaxConnections = done.MaxConnections ?? last.MaxConnections };
                            if (next is ApplyOrder.SetMaxConnections s && done.MaxConnections is { } mc && mc.ReadBack != s.To)
                            {
                                return ApplyReport.Failed($"max_connections reads {mc.ReadBack}, not {s.To}") with { MaxConnections = mc, Carried = carried };
                            }
                        }

                        return last;
                    default:
                        return ApplyReport.Nothing;
                }
            }

            if (plan.Order is { } order)
            {
                report = Apply(order);
            }

            var outcome = TuningPass.Complete(plan, report);
            if (database is not null)
            {
                _ledgers.Apply(database.Server, apiId, outcome.Ledger);
            }

            _states[i] = outcome.State;
            Decisions.Add((i, outcome.Decision));
            Passes.Add((i, outcome));
        }

        return changes;
    }

    private Scrape ToScrape(ScrapeResult s)
    {
        var time = At(s.Time);
        return s.Text is null ? Scrape.Failed(s.Pod, time, s.LatencyMs) : Scrape.Parsed(s.Pod, time, s.LatencyMs, _parser.Parse(s.Text));
    }
}
