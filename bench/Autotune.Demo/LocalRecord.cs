using System.Globalization;
using System.Text.Json;
using Autotune.Engine.Decisions.Model;

namespace Autotune.Demo;

/// <summary>Local mode's record (JSON lines): its windows and its Events, read back for the report and the plot.</summary>
public sealed record LocalRecord(IReadOnlyList<LocalRecord.Window> Windows, IReadOnlyList<LocalRecord.Event> Events)
{
    /// <summary>One window as local mode judged it.</summary>
    public sealed record Window(DateTimeOffset Time, string Bottleneck, double Rps, double P99Ms, double ShareUnderObjective, double PoolWaitP99Ms, double QueueDepth, double Cpu, int Pods, string Settings, string Decision)
    {
        /// <summary>Mean share of the pool in use, 0..1 (NaN when unknown).</summary>
        public double PoolUsage { get; init; } = double.NaN;

        /// <summary>Requests waiting for a pooled connection, per pod on average (NaN when unknown).</summary>
        public double PendingRequests { get; init; } = double.NaN;

        /// <summary>The settings in force, knob by knob; null in a record that has none.</summary>
        public Settings? Applied { get; init; }
    }

    /// <summary>One Event: a decision, a refusal, a restart, a warning.</summary>
    public sealed record Event(DateTimeOffset Time, string Type, string Reason, string Message);

    /// <summary>Reads the record; a missing file is an empty record.</summary>
    public static LocalRecord Read(string path)
    {
        var windows = new List<Window>();
        var events = new List<Event>();
        if (!File.Exists(path))
        {
            return new LocalRecord(windows, events);
        }

        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var time = root.GetProperty("time").GetDateTimeOffset();
            if (Text(root, "kind") == "window")
            {
                windows.Add(new Window(time, Text(root, "bottleneck"), Number(root, "rps"), Number(root, "p99Ms"), Number(root, "shareUnderObjective"),
                    Number(root, "poolWaitP99Ms"), Number(root, "queueDepth"), Number(root, "cpuUtilization"), (int)Number(root, "pods"), Text(root, "settings"), Text(root, "decision"))
                {
                    PoolUsage = Number(root, "poolUsage"),
                    PendingRequests = Number(root, "pendingRequests"),
                    Applied = root.TryGetProperty("applied", out var applied) && applied.ValueKind == JsonValueKind.Object ? applied.Deserialize<Settings>(Json) : null,
                });
            }
            else
            {
                events.Add(new Event(time, Text(root, "type"), Text(root, "reason"), Text(root, "message")));
            }
        }

        return new LocalRecord(windows, events);
    }

    /// <summary>The settings in force at the last window, or null when the record has none.</summary>
    public Settings? LastApplied => Windows.Count > 0 ? Windows[^1].Applied : null;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;

    private static double Number(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) ? double.NaN
        : v.ValueKind == JsonValueKind.Number ? v.GetDouble()
        : v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : double.NaN;
}
