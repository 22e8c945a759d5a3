using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Spec.Yaml;
using BenchmarkDotNet.Attributes;

namespace Autotune.EngineBench;

/// <summary>
/// What one ApiTuning costs the operator per window: each of its 3 pods scraped 6 times (recorded captures of the
/// sample API under load, 47 KB each), every scrape parsed as the operator's scrape loop parses it, the window built
/// and a decision made. The other benchmarks split that into its parts.
/// </summary>
[MemoryDiagnoser]
public class EngineCost
{
    private const int ScrapesPerWindow = 6;
    private static readonly string[] Pods = ["orders-api-7d9c-a", "orders-api-7d9c-b", "orders-api-7d9c-c"];
    private static readonly DateTimeOffset WindowStart = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly SeriesTable _table = new();
    private string[] _captures = [];
    private ApiTuningSpec _spec = null!;
    private WindowScrapeParser[] _parsers = [];
    private List<Scrape> _parsed = [];

    [GlobalSetup]
    public void Setup()
    {
        _captures = Captures.Load();
        var loaded = ApiTuningYaml.Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "captures", "complete.yaml")));
        _spec = loaded.IsValid ? loaded.Documents[0].Spec : throw new InvalidOperationException(loaded.Summary);
        _parsers = [.. Pods.Select(_ => new WindowScrapeParser(_table))];
        _parsed = ParseWindow();
        var decision = Decide(_parsed);
        Console.WriteLine($"// the decision on the recorded window: {decision.Kind} {decision.Reason}: {decision.Message}");
    }

    /// <summary>One ApiTuning's window: 3 pods x 6 scrapes parsed, the window built, a decision made.</summary>
    [Benchmark]
    public Decision Parse_window_and_decide_for_3_pods() => Decide(ParseWindow());

    /// <summary>One scrape of one pod parsed into the window's compact form.</summary>
    [Benchmark]
    public Scrape Parse_one_scrape() => _parsers[0].Parse(Pods[0], WindowStart, 4.2, _captures[^1]);

    /// <summary>The window built from 18 parsed scrapes and a decision made.</summary>
    [Benchmark]
    public Decision Window_and_decide() => Decide(_parsed);

    private List<Scrape> ParseWindow()
    {
        var scrapes = new List<Scrape>(Pods.Length * ScrapesPerWindow);
        for (var i = 0; i < ScrapesPerWindow; i++)
        {
            var time = WindowStart.AddSeconds(i * 10);
            for (var p = 0; p < Pods.Length; p++)
            {
                scrapes.Add(_parsers[p].Parse(Pods[p], time, 4.2, _captures[i % _captures.Length]));
            }
        }

        return scrapes;
    }

    private Decision Decide(List<Scrape> scrapes)
    {
        var window = WindowBuilder.Build(scrapes, new WindowOptions
        {
            LatencyObjectiveMs = _spec.Objectives.P99LatencyMs,
            CoresByPod = Pods.ToDictionary(p => p, _ => 1.0),
            ExpectedPods = Pods,
        });
        return TuningEngine.Decide(new DecisionInput
        {
            ApiId = "shop/orders",
            Spec = _spec,
            Window = window,
            Current = new Settings(3, 16, 10, 200),
            State = TuningState.Empty,
            Ledger = new DatabaseLedger
            {
                Server = "postgres.shop.svc:5432",
                MaxConnections = 200,
                SuperuserReservedConnections = 3,
                AdminConnections = 1,
                ReservedConnections = 10,
                Entries = [new LedgerEntry { ApiId = "shop/orders", Replicas = 3, Surge = 1, PoolSize = 10 }],
            },
            Now = WindowStart.AddSeconds(60),
        });
    }
}
