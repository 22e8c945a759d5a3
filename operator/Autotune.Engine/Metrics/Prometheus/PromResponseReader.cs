using System.Text.Json;
using Autotune.Engine.Metrics.Exposition;

namespace Autotune.Engine.Metrics.Prometheus;

/// <summary>
/// Reads Prometheus HTTP API responses (<c>/api/v1/query</c> and <c>/api/v1/query_range</c>) into series. Never
/// throws on a bad body: the result says what was wrong. Native-histogram points are skipped (classic buckets only).
/// </summary>
public static class PromResponseReader
{
    /// <summary>Name used for a result series that carries no <c>__name__</c> (aggregations, functions).</summary>
    public const string UnnamedSeries = "{}";

    /// <summary>Reads one response body.</summary>
    public static PromQueryResult Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            return PromQueryResult.Failure($"response is not JSON: {e.Message}");
        }
        catch (FormatException e)
        {
            return PromQueryResult.Failure($"response is malformed: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return PromQueryResult.Failure($"response is malformed: {e.Message}");
        }
    }

    private static PromQueryResult Read(JsonElement root)
    {
        var warnings = root.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array
            ? w.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : [];
        var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
        if (status != "success")
        {
            var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : "unknown";
            var message = root.TryGetProperty("error", out var m) ? m.GetString() : "no error message";
            return new PromQueryResult(false, PromResultType.Vector, [], $"{type}: {message}", warnings);
        }

        var data = root.GetProperty("data");
        var resultType = data.GetProperty("resultType").GetString() switch
        {
            "vector" => PromResultType.Vector,
            "matrix" => PromResultType.Matrix,
            "scalar" => PromResultType.Scalar,
            "string" => PromResultType.String,
            var other => throw new FormatException($"unknown resultType '{other}'"),
        };
        var result = data.GetProperty("result");
        List<PromSeries> series = resultType switch
        {
            PromResultType.Vector or PromResultType.Matrix => [.. result.EnumerateArray().Select(ReadSeries)],
            PromResultType.Scalar => [new PromSeries(Series.Create(UnnamedSeries, Array.Empty<Label>()), [ReadPoint(result)])],
            _ => [],
        };
        return new PromQueryResult(true, resultType, series, null, warnings);
    }

    private static PromSeries ReadSeries(JsonElement element)
    {
        var name = UnnamedSeries;
        var labels = new List<Label>();
        foreach (var label in element.GetProperty("metric").EnumerateObject())
        {
            var value = label.Value.GetString() ?? "";
            if (label.Name == "__name__")
            {
                name = value;
            }
            else
            {
                labels.Add(new Label(label.Name, value));
            }
        }

        var points = new List<PromPoint>();
        if (element.TryGetProperty("value", out var single))
        {
            points.Add(ReadPoint(single));
        }

        if (element.TryGetProperty("values", out var many))
        {
            points.AddRange(many.EnumerateArray().Select(ReadPoint));
        }

        return new PromSeries(Series.Create(name, labels), points);
    }

    private static PromPoint ReadPoint(JsonElement pair)
    {
        // [ <unix seconds as a number>, "<value as a string>" ]
        var seconds = pair[0].GetDouble();
        var text = pair[1].GetString() ?? throw new FormatException("sample value is not a string");
        if (!PromFloat.TryParse(text, out var value))
        {
            throw new FormatException($"sample value '{text}' is not a number");
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        return new PromPoint(time, value);
    }
}
