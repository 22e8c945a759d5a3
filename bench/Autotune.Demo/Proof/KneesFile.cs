using System.Globalization;
using System.Text.Json;

namespace Autotune.Demo.Proof;

/// <summary>One ramp's knee as the proof writes it to tuning.knees.json.</summary>
/// <param name="Profile">The profile's name.</param>
/// <param name="Phase">grid (screening), a, b, c, defaults or hikari.</param>
/// <param name="Repeat">The repeat (0 for screening).</param>
/// <param name="Settings">The static settings the ramp ran at.</param>
/// <param name="HighestHeld">The highest rate held, req/s (P99, errors and the generator's send lag judged).</param>
/// <param name="HeldIgnoringLag">The highest rate held with the generator's send lag not judged (P99 and errors only), req/s.</param>
public sealed record MeasuredKnee(string Profile, string Phase, int Repeat, StaticSettings Settings, double HighestHeld, double HeldIgnoringLag);

/// <summary>Bad calibration input: the message names the file and the entry or field to fix.</summary>
public sealed class CalibrationInputException(string message) : Exception(message);

/// <summary>Reads and checks the knees JSON the proof writes beside its report (an array of ramps).</summary>
public static class KneesFile
{
    /// <summary>The phase of the grid screening ramps, the sweeps the simulator is fitted to.</summary>
    public const string GridPhase = "grid";

    /// <summary>Every entry of <paramref name="path"/>; throws <see cref="CalibrationInputException"/> naming what is wrong.</summary>
    public static IReadOnlyList<MeasuredKnee> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CalibrationInputException($"{path}: no such file (the proof writes it beside its report as tuning.knees.json)");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the knees JSON <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<MeasuredKnee> Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new CalibrationInputException($"{source}: not valid JSON: {ex.Message.ReplaceLineEndings(" ")}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new CalibrationInputException($"{source}: expected a JSON array of knees, found {document.RootElement.ValueKind}");
            }

            var knees = new List<MeasuredKnee>();
            var index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"{source}: entry {index}");
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw new CalibrationInputException($"{where}: expected an object, found {entry.ValueKind}");
                }

                var profile = Text(entry, "profile", where);
                var phase = Text(entry, "phase", where);
                var repeat = Whole(entry, "repeat", where, 0);
                var replicas = Whole(entry, "replicas", where, 1);
                int? minThreads = entry.TryGetProperty("minThreads", out var t) && t.ValueKind != JsonValueKind.Null ? Whole(entry, "minThreads", where, 1) : null;
                var pool = Whole(entry, "pool", where, 1);
                var maxConnections = Whole(entry, "maxConnections", where, 1);
                var held = Number(entry, "highestHeld", where);
                var ignoringLag = entry.TryGetProperty("heldIgnoringLag", out _) ? Number(entry, "heldIgnoringLag", where) : held;
                knees.Add(new MeasuredKnee(profile, phase, repeat, new StaticSettings(minThreads, pool, maxConnections, replicas), held, ignoringLag));
                index++;
            }

            return knees;
        }
    }

    private static string Text(JsonElement entry, string field, string where) =>
        entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new CalibrationInputException($"{where}: field '{field}' is missing or not a non-empty string");

    private static int Whole(JsonElement entry, string field, string where, int min) =>
        entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min
            ? number
            : throw new CalibrationInputException(string.Create(CultureInfo.InvariantCulture, $"{where}: field '{field}' is missing or not a whole number >= {min}"));

    private static double Number(JsonElement entry, string field, string where) =>
        entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= 0 && double.IsFinite(number)
            ? number
            : throw new CalibrationInputException($"{where}: field '{field}' is missing or not a number >= 0");
}
