using Autotune.Demo.Proof;
using Autotune.Load;
using Xunit;

namespace Autotune.Demo.Tests;

public sealed class ProofScoreTests
{
    [Fact]
    public void A_step_is_held_only_with_p99_errors_and_send_lag_all_within_bounds()
    {
        Assert.True(ProofScore.Held(Step(100, p99: 200, errors: 1, offered: 1000, lag: 5), 200));
        Assert.False(ProofScore.Held(Step(100, p99: 201, errors: 0, offered: 1000, lag: 1), 200));
        Assert.False(ProofScore.Held(Step(100, p99: 50, errors: 2, offered: 1000, lag: 1), 200));
        Assert.False(ProofScore.Held(Step(100, p99: 50, errors: 0, offered: 1000, lag: 5.1), 200));
    }

    [Fact]
    public void Highest_held_is_the_highest_held_rate_even_after_a_missed_step()
    {
        var steps = new[]
        {
            Step(50, p99: 80, errors: 0, offered: 500, lag: 1),
            Step(100, p99: 900, errors: 0, offered: 1000, lag: 1),
            Step(150, p99: 150, errors: 0, offered: 1500, lag: 1),
            Step(200, p99: 150, errors: 0, offered: 2000, lag: 40),
        };

        Assert.Equal(150, ProofScore.HighestHeld(steps, 200));
        Assert.Equal(200, ProofScore.HighestHeld(steps, 200, double.PositiveInfinity));
        Assert.Equal(0, ProofScore.HighestHeld([Step(50, p99: 900, errors: 0, offered: 500, lag: 1)], 200));
    }

    [Fact]
    public void A_recommendation_changed_no_setting_and_is_not_counted_as_a_decision()
    {
        // The proof's max_connections run: PostgreSQL refused the engine's own connection, so Auto mode recommended.
        Assert.True(ProofScore.IsRecommendation("RaisePool: Recommend raising Npgsql pool 8 -> 16: pool wait p99 733 ms > 20 ms objective"));
        Assert.True(ProofScore.IsRecommendation("Rollback: Recommend rolling back together Npgsql pool 16 -> 8: p99 rose"));
        Assert.False(ProofScore.IsRecommendation("RaisePool: Raised Npgsql pool 8 -> 16: Recommend nothing"));
        Assert.False(ProofScore.IsRecommendation("RepairBudget: Raised max_connections 12 -> 30: the connection budget is broken"));
        Assert.False(ProofScore.IsRecommendation("hold (NoRemedy): Holding: p99 344 ms > 200 ms objective"));
        Assert.False(ProofScore.IsRecommendation(string.Empty));
    }

    [Fact]
    public void Median_takes_the_middle_value_or_the_mean_of_the_middle_two()
    {
        Assert.Equal(150, ProofScore.Median([200, 100, 150]));
        Assert.Equal(125, ProofScore.Median([100, 150]));
        Assert.True(double.IsNaN(ProofScore.Median([])));
    }

    [Fact]
    public void Grid_is_every_combination_of_threads_pool_and_max_connections()
    {
        var grid = ProofScore.Grid([null, 16], [4, 8, 16], [20, 40]);

        Assert.Equal(12, grid.Count);
        Assert.Equal(12, grid.Distinct().Count());
        Assert.Contains(new StaticSettings(16, 8, 40), grid);
        Assert.Contains(new StaticSettings(null, 4, 20), grid);
    }

    [Fact]
    public void Winner_is_the_highest_rate_held_and_ties_go_to_the_cheapest()
    {
        var winner = ProofScore.Winner([
            (new StaticSettings(null, 32, 100), 200),
            (new StaticSettings(null, 16, 100), 200),
            (new StaticSettings(64, 16, 100), 200),
            (new StaticSettings(null, 4, 100), 50),
        ]);

        Assert.Equal(new StaticSettings(null, 16, 100), winner);
        Assert.Equal(new StaticSettings(null, 4, 20), ProofScore.Winner([(new StaticSettings(null, 4, 20), 0), (new StaticSettings(null, 8, 40), 0)]));
    }

    [Fact]
    public void Settles_only_after_enough_windows_at_the_top_all_holding_the_same_settings()
    {
        const string before = "replicas 1 minThreads 2 pool 4 maxConnections 100";
        const string after = "replicas 1 minThreads 2 pool 24 maxConnections 100";
        var windows = new List<LocalRecord.Window>();
        for (var i = 0; i < 5; i++)
        {
            windows.Add(Window(before, i == 4 ? "RaisePool: Raised Npgsql pool 4 -> 24" : "hold (ObjectiveMet): Holding"));
        }

        Assert.False(ProofScore.Settled(new LocalRecord(windows, []), rampWindows: 5, stableWindows: 3));
        windows.Add(Window(after, "hold (AwaitingWarmup): Holding"));
        windows.Add(Window(after, "hold (ObjectiveMet): Holding"));
        Assert.False(ProofScore.Settled(new LocalRecord(windows, []), rampWindows: 5, stableWindows: 3));
        windows.Add(Window(after, "hold (KneeReached): Holding"));
        Assert.False(ProofScore.Settled(new LocalRecord(windows, []), rampWindows: 5, stableWindows: 3));
        windows.Add(Window(after, "hold (ObjectiveMet): Holding"));
        Assert.True(ProofScore.Settled(new LocalRecord(windows, []), rampWindows: 5, stableWindows: 3));
    }

    [Fact]
    public void Does_not_settle_while_the_engine_waits_to_act()
    {
        // An over-provisioned start holds Stabilizing for its stabilisation window, then comes down: not settled yet.
        const string start = "replicas 2 minThreads 256 pool 64 maxConnections 200";
        var windows = Enumerable.Range(0, 8).Select(_ => Window(start, "hold (Stabilizing): Holding: comfortable for 16 s of the 60 s stabilisation window")).ToList();

        Assert.False(ProofScore.Settled(new LocalRecord(windows, []), rampWindows: 5, stableWindows: 2));
        windows.Add(Window(start, "hold (Cooldown): Holding"));
        Assert.False(ProofScore.Settled(new LocalRecord(windows, []), rampWindows: 5, stableWindows: 2));
        windows.Add(Window(start, "hold (ObjectiveMet): Holding"));
        windows.Add(Window(start, "hold (ObjectiveMet): Holding"));
        Assert.True(ProofScore.Settled(new LocalRecord(windows, []), rampWindows: 5, stableWindows: 2));
    }

    [Fact]
    public void Windows_after_the_first_decision_are_measured_by_the_client_between_window_ends()
    {
        // Windows end at 10, 20, 30 and 40 s; the first decision ends the second window, so the third and fourth are
        // measured: 10 client seconds each, 100 offered a second, 90 then 40 served.
        var start = DateTimeOffset.UnixEpoch;
        var windows = new List<LocalRecord.Window>
        {
            Window("pool 4", "hold (ObjectiveMet): Holding") with { Time = start.AddSeconds(10) },
            Window("pool 4", "RaisePool: Raised Npgsql pool 4 -> 8") with { Time = start.AddSeconds(20) },
            Window("pool 8", "hold (AwaitingWarmup): Holding") with { Time = start.AddSeconds(30) },
            Window("pool 8", "hold (ObjectiveMet): Holding") with { Time = start.AddSeconds(40) },
        };
        var seconds = Enumerable.Range(0, 40).Select(i => Second(i, offered: 100, served: i < 30 ? 90 : 40)).ToList();

        var after = ProofScore.AfterFirstDecision(new LocalRecord(windows, []), start, seconds);

        Assert.Equal([(30.0, 100.0, 90.0), (40.0, 100.0, 40.0)], after.Select(w => ((w.End - start).TotalSeconds, w.OfferedRate, w.ServedRate)));
        Assert.Empty(ProofScore.AfterFirstDecision(new LocalRecord(windows.Take(1).ToList(), []), start, seconds));
    }

    [Fact]
    public void The_worst_window_is_judged_against_the_offered_rate_capped_at_the_starts_knee()
    {
        var start = DateTimeOffset.UnixEpoch;
        ServedWindow[] windows = [new(start, OfferedRate: 1000, ServedRate: 500), new(start.AddSeconds(10), OfferedRate: 200, ServedRate: 190)];

        // The start holds 400 req/s: 500 served of 1,000 offered is 1.25x what it would serve, 190 of 200 is 0.95x.
        var worst = ProofScore.Worst(windows, startKnee: 400);

        Assert.NotNull(worst);
        Assert.Equal(windows[1], worst.Window);
        Assert.Equal((200, 0.95), (worst.StartHolds, Math.Round(worst.Ratio, 2)));
        Assert.Equal(0.5, ProofScore.Worst(windows, startKnee: 2000)!.Ratio);
        Assert.Null(ProofScore.Worst(windows, double.NaN));
        Assert.Null(ProofScore.Worst([], 400));
    }

    [Fact]
    public void Smoke_options_run_one_repeat_on_a_tiny_grid_and_write_beside_the_console_log()
    {
        var options = ProofOptions.Parse(["--smoke", "--profile", "remote-pool"], "/repo/bench/results/tuning.md", "/repo/.proof/t/tuning.md");

        Assert.Equal(1, options.Repeats);
        Assert.Equal("/repo/.proof/t/tuning.md", options.OutFile);
        Assert.Equal(["remote-pool"], options.Profiles);
        Assert.Equal([4, 32], options.GridValues<int>([4, 8, 16, 32]));
        Assert.Equal(3, ProofOptions.Parse([], "/r/tuning.md", "/s/tuning.md").Repeats);
        Assert.Throws<ArgumentException>(() => ProofOptions.Parse(["--bogus"], "/r/tuning.md", "/s/tuning.md"));
    }

    private static LocalRecord.Window Window(string settings, string decision) =>
        new(DateTimeOffset.UnixEpoch, "None", 100, 50, 1, 0, 0, 0.2, 1, settings, decision);

    private static IntervalReport Second(int index, long offered, long served) => Step(offered, p99: 10, errors: offered - served, offered: offered, lag: 1) with
    {
        Index = index,
        Start = TimeSpan.FromSeconds(index),
    };

    private static IntervalReport Step(double rate, double p99, long errors, long offered, double lag) => new()
    {
        Index = 0,
        Label = "t",
        Start = TimeSpan.Zero,
        Length = TimeSpan.FromSeconds(offered / rate),
        Offered = offered,
        Succeeded = offered - errors,
        CompletedRate = rate,
        Errors = errors == 0 ? new Dictionary<string, long>() : new Dictionary<string, long> { ["status 503"] = errors },
        P50Ms = p99 / 2,
        P99Ms = p99,
        MaxMs = p99,
        SendLagP99Ms = lag,
        SendLagMaxMs = lag,
        GeneratorCpuCores = 0.1,
    };
}
