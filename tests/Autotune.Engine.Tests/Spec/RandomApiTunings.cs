using System.Text.Json.Nodes;

namespace Autotune.Engine.Tests.Spec;

/// <summary>
/// Random ApiTuning documents that stay mostly inside the schema and often break a cross-field rule: knob budgets
/// near each other and near the connection limit, windows around the limits, cooldowns around the window, optional
/// database sections. Deterministic for a seed.
/// </summary>
internal sealed class RandomApiTunings(int seed)
{
    private static readonly string[] Windows = ["8s", "10s", "20s", "30s", "1m", "1m", "90s", "2m", "10m", "30m", "31m"];
    private readonly Random _random = new(seed);

    public JsonObject Next()
    {
        var spec = new JsonObject
        {
            ["targetRef"] = new JsonObject { ["name"] = "orders-api" },
            ["objectives"] = Maybe(() => new JsonObject { ["p99LatencyMs"] = Pick(100, 250, 500), ["maxPoolWaitMs"] = Pick(10, 20, 50, 300) }),
            ["metrics"] = Metrics(),
            ["knobs"] = Knobs(),
            ["apply"] = Maybe(() => new JsonObject { ["maxSurge"] = _random.Next(0, 4) }),
            ["postgres"] = Maybe(Postgres),
            ["behavior"] = Maybe(() => new JsonObject
            {
                ["cooldownSeconds"] = Pick(30, 120, 600, 1800, 1800, 3600),
                ["scaleInStabilizationSeconds"] = Pick(60, 300, 1800, 1800, 3600),
            }),
        };
        spec["objectives"] ??= new JsonObject();
        foreach (var key in spec.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            spec.Remove(key);
        }

        return new JsonObject
        {
            ["apiVersion"] = "autotune.dev/v1alpha1",
            ["kind"] = "ApiTuning",
            ["metadata"] = new JsonObject { ["name"] = "orders" },
            ["spec"] = spec,
        };
    }

    private JsonObject Metrics()
    {
        var metrics = new JsonObject
        {
            ["window"] = Windows[_random.Next(Windows.Length)],
            ["scrapesPerWindow"] = Pick(4, 5, 6, 6, 10, 30),
        };
        if (_random.Next(3) == 0)
        {
            metrics["source"] = "Prometheus";
            if (_random.Next(4) > 0)
            {
                metrics["prometheus"] = new JsonObject { ["url"] = "http://prometheus.monitoring:9090" };
            }
        }

        return metrics;
    }

    private JsonObject Knobs()
    {
        var knobs = new JsonObject();
        Add(knobs, "replicas", 1, 8);
        Add(knobs, "threadPoolMinThreads", 1, 400);
        Add(knobs, "dbMaxPoolSize", 1, 30);
        Add(knobs, "postgresMaxConnections", 40, 400);
        return knobs;
    }

    private void Add(JsonObject knobs, string name, int low, int high)
    {
        if (_random.Next(2) == 0)
        {
            var (a, b) = (_random.Next(low, high), _random.Next(low, high));
            var (min, max) = _random.Next(8) == 0 ? (Math.Max(a, b), Math.Min(a, b)) : (Math.Min(a, b), Math.Max(a, b));
            knobs[name] = new JsonObject { ["min"] = min, ["max"] = max };
        }
    }

    private JsonObject Postgres()
    {
        var postgres = new JsonObject
        {
            ["reservedConnections"] = Pick(0, 3, 10, 50),
            ["restart"] = Pick("Never", "Immediate", "Window"),
        };
        if (_random.Next(3) > 0)
        {
            postgres["adminSecretRef"] = new JsonObject { ["name"] = "pg-admin" };
        }

        if (_random.Next(4) > 0)
        {
            postgres["restart"] = "Never";
        }

        if (_random.Next(2) == 0)
        {
            postgres["workloadRef"] = new JsonObject { ["name"] = "postgres" };
        }

        if (_random.Next(2) == 0)
        {
            postgres["maintenanceWindow"] = new JsonObject { ["startUtc"] = "02:00", ["days"] = new JsonArray("Sat", "Sun") };
        }

        return postgres;
    }

    private JsonObject? Maybe(Func<JsonObject> make) => _random.Next(3) == 0 ? null : make();

    private JsonNode Pick(params int[] values) => values[_random.Next(values.Length)];

    private JsonNode Pick(params string[] values) => values[_random.Next(values.Length)];
}
