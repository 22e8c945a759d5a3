using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Validation;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class SpecValidatorTests
{
    [Fact]
    public void Accepts_a_minimal_spec_and_parses_its_default_durations()
    {
        var result = SpecValidator.Validate(Specs.Minimal());

        Assert.True(result.IsValid, result.Summary);
        var spec = Assert.IsType<ValidatedSpec>(result.Spec);
        Assert.Equal(TimeSpan.FromSeconds(60), spec.Window);
        Assert.Equal(TimeSpan.FromSeconds(10), spec.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(120), spec.Cooldown);
        Assert.Equal(TimeSpan.FromSeconds(300), spec.ScaleInStabilization);
        Assert.Null(spec.MaintenanceWindow);
    }

    [Fact]
    public void Accepts_a_complete_spec_and_parses_its_maintenance_window()
    {
        var result = SpecValidator.Validate(Specs.Complete().WithMetrics(m => m with { Window = "2m", ScrapesPerWindow = 8 }));

        Assert.True(result.IsValid, result.Summary);
        var spec = result.Spec!;
        Assert.Equal(TimeSpan.FromMinutes(2), spec.Window);
        Assert.Equal(TimeSpan.FromSeconds(15), spec.ScrapeInterval);
        var window = Assert.IsType<WeeklyWindow>(spec.MaintenanceWindow);
        Assert.Equal(new HashSet<DayOfWeek> { DayOfWeek.Saturday, DayOfWeek.Sunday }, window.Days);
        Assert.Equal(new TimeOnly(2, 0), window.StartUtc);
        Assert.Equal(TimeSpan.FromMinutes(120), window.Duration);
    }

    [Fact]
    public void Reports_min_greater_than_max_for_each_knob_with_both_values()
    {
        var spec = Specs.Complete().WithKnobs(k => k with
        {
            Replicas = new KnobBudget { Min = 30, Max = 20 },
            DbMaxPoolSize = new KnobBudget { Min = 50, Max = 10 },
        });

        var problems = SpecValidator.Validate(spec).Problems;

        Assert.Contains(problems, p => p.Field == "spec.knobs.replicas" && p.Message.Contains("min (30) is greater than max (20)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Field == "spec.knobs.dbMaxPoolSize" && p.Message.Contains("min (50) is greater than max (10)", StringComparison.Ordinal));
    }

    [Fact]
    public void Returns_every_problem_at_once_and_no_validated_spec()
    {
        var spec = Specs.Complete() with
        {
            Mode = (TuningMode)7,
            Objectives = new Objectives { P99LatencyMs = -1, MaxPoolWaitMs = 0, MaxQueueDepth = double.NaN },
            TargetRef = new TargetRef { Kind = "StatefulSet", Name = "orders-api" },
            Knobs = new KnobsSpec { ThreadPoolMinThreads = new KnobBudget { Min = 0, Max = 100_000 } },
            Metrics = new MetricsSpec { Source = MetricsSourceKind.Prometheus, Window = "soon", Port = 0 },
            Postgres = new PostgresSpec { Restart = RestartPolicy.Window },
        };

        var result = SpecValidator.Validate(spec);

        Assert.False(result.IsValid);
        Assert.Null(result.Spec);
        Assert.Equal(
            [
                "spec.knobs.threadPoolMinThreads.max",
                "spec.knobs.threadPoolMinThreads.min",
                "spec.metrics.port",
                "spec.metrics.prometheus.url",
                "spec.metrics.window",
                "spec.mode",
                "spec.objectives.maxPoolWaitMs",
                "spec.objectives.maxQueueDepth",
                "spec.objectives.p99LatencyMs",
                "spec.postgres.maintenanceWindow",
                "spec.postgres.workloadRef",
                "spec.targetRef.kind",
            ],
            result.Problems.Select(p => p.Field));
        Assert.All(result.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Message)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Refuses_a_non_positive_latency_objective(double objective)
    {
        var spec = Specs.Minimal() with { Objectives = new Objectives { P99LatencyMs = objective } };

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        Assert.Equal("spec.objectives.p99LatencyMs", problem.Field);
        Assert.Contains("above 0", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_pool_wait_objective_at_or_above_the_latency_objective()
    {
        var spec = Specs.Minimal() with { Objectives = new Objectives { P99LatencyMs = 100, MaxPoolWaitMs = 100 } };

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        Assert.Equal(SpecPaths.MaxPoolWaitMs, problem.Field);
    }

    [Theory]
    [InlineData("9s", "too short")]
    [InlineData("0s", "too short")]
    [InlineData("31m", "too long")]
    [InlineData("60", "is not a duration")]
    [InlineData("1m 30s", "is not a duration")]
    [InlineData("", "is not a duration")]
    public void Refuses_a_window_that_cannot_be_measured_or_parsed(string window, string expected)
    {
        var spec = Specs.Minimal().WithMetrics(m => m with { Window = window, ScrapesPerWindow = 4 });

        var problems = SpecValidator.Validate(spec).Problems;

        Assert.Contains(problems, p => p.Field == SpecPaths.Window && p.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Refuses_scrapes_closer_than_two_seconds_and_says_how_many_fit()
    {
        var spec = Specs.Minimal().WithMetrics(m => m with { Window = "30s", ScrapesPerWindow = 20 });

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        Assert.Equal(SpecPaths.ScrapesPerWindow, problem.Field);
        Assert.Contains("use at most 15 scrapes", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_fewer_than_four_scrapes_per_window()
    {
        var spec = Specs.Minimal().WithMetrics(m => m with { ScrapesPerWindow = 3 });

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        Assert.Equal(SpecPaths.ScrapesPerWindow, problem.Field);
    }

    [Fact]
    public void Accepts_a_ten_second_window_with_five_scrapes()
    {
        var spec = Specs.Minimal().WithMetrics(m => m with { Window = "10s", ScrapesPerWindow = 5 });

        var result = SpecValidator.Validate(spec);

        Assert.True(result.IsValid, result.Summary);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Spec!.ScrapeInterval);
    }

    [Fact]
    public void Refuses_a_prometheus_source_without_a_url()
    {
        var spec = Specs.Minimal().WithMetrics(m => m with { Source = MetricsSourceKind.Prometheus });

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        Assert.Equal(SpecPaths.PrometheusUrl, problem.Field);
    }

    [Fact]
    public void Refuses_an_unsupported_target_kind_naming_the_supported_one()
    {
        var spec = Specs.Minimal() with { TargetRef = new TargetRef { Kind = "StatefulSet", Name = "orders" } };

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        Assert.Equal("spec.targetRef.kind", problem.Field);
        Assert.Contains("use one of: Deployment", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_budgets_whose_minimums_already_break_the_connection_invariant_and_names_the_sum()
    {
        var spec = Specs.Complete().WithKnobs(k => k with
        {
            Replicas = new KnobBudget { Min = 4, Max = 10 },
            DbMaxPoolSize = new KnobBudget { Min = 30, Max = 100 },
            PostgresMaxConnections = new KnobBudget { Min = 50, Max = 150 },
        }) with
        { Apply = new ApplySpec { MaxSurge = 2 } };

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        // (4 replicas + 2 surge) x 30 + 10 reserved + 1 admin = 191 > 150.
        Assert.Equal("spec.knobs.postgresMaxConnections.max", problem.Field);
        Assert.Contains("= 191", problem.Message, StringComparison.Ordinal);
        Assert.Contains("at least 191", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_budgets_whose_minimums_fit_exactly_under_max_connections()
    {
        var spec = Specs.Complete().WithKnobs(k => k with
        {
            Replicas = new KnobBudget { Min = 4, Max = 10 },
            DbMaxPoolSize = new KnobBudget { Min = 30, Max = 100 },
            PostgresMaxConnections = new KnobBudget { Min = 50, Max = 161 },
        });

        Assert.True(SpecValidator.Validate(spec).IsValid);
    }

    [Fact]
    public void Counts_one_pod_when_replicas_are_not_managed()
    {
        var spec = Specs.Complete().WithKnobs(k => k with
        {
            Replicas = null,
            DbMaxPoolSize = new KnobBudget { Min = 100, Max = 200 },
            PostgresMaxConnections = new KnobBudget { Min = 100, Max = 200 },
        });

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        // (1 + 1 surge) x 100 + 10 + 1 = 211 > 200.
        Assert.Contains("= 211", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_max_connections_knob_without_an_admin_connection_to_apply_it()
    {
        var withoutPostgres = Specs.Minimal().WithKnobs(k => k with { PostgresMaxConnections = new KnobBudget { Min = 100, Max = 400 } });
        var withoutSecret = Specs.Complete().WithPostgres(p => p with { AdminSecretRef = null });

        Assert.Equal(SpecPaths.AdminSecretRef, Assert.Single(SpecValidator.Validate(withoutPostgres).Problems).Field);
        Assert.Equal(SpecPaths.AdminSecretRef, Assert.Single(SpecValidator.Validate(withoutSecret).Problems).Field);
    }

    [Fact]
    public void Refuses_window_restart_without_a_maintenance_window()
    {
        var spec = Specs.Complete().WithPostgres(p => p with { MaintenanceWindow = null });

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        Assert.Equal(SpecPaths.MaintenanceWindow, problem.Field);
    }

    [Fact]
    public void Refuses_a_restart_policy_without_a_workload_to_restart()
    {
        var spec = Specs.Complete().WithPostgres(p => p with { Restart = RestartPolicy.Immediate, WorkloadRef = null });

        var problem = Assert.Single(SpecValidator.Validate(spec).Problems);

        Assert.Equal(SpecPaths.WorkloadRef, problem.Field);
    }

    [Fact]
    public void Refuses_unknown_or_repeated_maintenance_days_and_a_bad_start_time()
    {
        var spec = Specs.Complete().WithPostgres(p => p with
        {
            MaintenanceWindow = new MaintenanceWindow { Days = ["Sat", "Sat", "Someday"], StartUtc = "2:00" },
        });

        var fields = SpecValidator.Validate(spec).Problems.Select(p => p.Field).ToList();

        Assert.Equal(
            ["spec.postgres.maintenanceWindow.days", "spec.postgres.maintenanceWindow.days[2]", "spec.postgres.maintenanceWindow.startUtc"],
            fields);
    }

    [Fact]
    public void Refuses_a_cooldown_or_stabilisation_shorter_than_one_window()
    {
        var spec = Specs.Minimal().WithMetrics(m => m with { Window = "3m" }) with
        {
            Behavior = new BehaviorSpec { CooldownSeconds = 120, ScaleInStabilizationSeconds = 60 },
        };

        var problems = SpecValidator.Validate(spec).Problems;

        Assert.Equal([SpecPaths.Cooldown, SpecPaths.ScaleInStabilization], problems.Select(p => p.Field));
        Assert.Contains("at least 180", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_a_missing_required_section_instead_of_throwing()
    {
        var spec = Specs.Minimal() with { TargetRef = null!, Metrics = null! };

        var fields = SpecValidator.Validate(spec).Problems.Select(p => p.Field).ToList();

        Assert.Equal(["spec.metrics", "spec.targetRef"], fields);
    }

    [Fact]
    public void Refuses_a_bad_env_var_name_and_an_out_of_range_surge()
    {
        var spec = Specs.Minimal() with { Apply = new ApplySpec { PoolSizeEnvVar = "1-POOL", MaxSurge = -1 } };

        var fields = SpecValidator.Validate(spec).Problems.Select(p => p.Field).ToList();

        Assert.Equal(["spec.apply.maxSurge", "spec.apply.poolSizeEnvVar"], fields);
    }
}
