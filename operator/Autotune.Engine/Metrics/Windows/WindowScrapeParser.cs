using System.Buffers;
using Autotune.Engine.Metrics.Exposition;

namespace Autotune.Engine.Metrics.Windows;

/// <summary>
/// Parses a target's scrapes into the form a window keeps while it slides: only the samples of the series a window
/// reads (the agent-operator contract's), their values (whole counts in four bytes) beside a list of series shared by the scrapes
/// that wrote the same series in the same order. What it leaves out (other series, <c># TYPE</c> lines, exporter
/// timestamps) no window reads, so <see cref="WindowBuilder"/> builds the same window from these scrapes as from
/// fully parsed ones; lines that cannot be read are counted over the whole text as before. One parser per scrape
/// loop (not thread-safe); the <see cref="SeriesTable"/> may be shared by every loop of a process.
/// </summary>
public sealed class WindowScrapeParser
{
    // Pods of one target mostly write the same series; a few layouts cover pods that differ (one without a pool yet).
    private const int LayoutsKept = 4;

    private readonly ExpositionParser parser;
    private readonly List<Series[]> layouts = [];
    private readonly SampleBuffer buffer = new();

    /// <summary>Creates a parser remembering series in <paramref name="table"/> (a fresh table when null).</summary>
    public WindowScrapeParser(SeriesTable? table = null) => parser = new ExpositionParser(table, MetricRoles.IsRead);

    /// <summary>The series this parser has met.</summary>
    public SeriesTable Table => parser.Table;

    /// <summary>Samples the parser's rented buffer can hold between scrapes (0: it holds none).</summary>
    internal int HeldCapacity => buffer.Capacity;

    /// <summary>A successful scrape from its exposition text, with the samples a window reads.</summary>
    public Scrape Parse(string pod, DateTimeOffset time, double latencyMs, ReadOnlySpan<char> text)
    {
        try
        {
            return Compact(pod, time, latencyMs, parser.ParseInto(text, buffer));
        }
        finally
        {
            buffer.Clear();
        }
    }

    /// <summary>
    /// A successful scrape from its exposition text as UTF-8 bytes (an HTTP response's, in one buffer or several),
    /// read exactly as the decoded text would be and without materialising it.
    /// </summary>
    public Scrape Parse(string pod, DateTimeOffset time, double latencyMs, ReadOnlySequence<byte> utf8)
    {
        try
        {
            return Compact(pod, time, latencyMs, parser.ParseInto(utf8, buffer));
        }
        finally
        {
            // The buffer's arrays go back to the pool between scrapes: a process runs a scrape loop per ApiTuning,
            // and each holding its own pair of arrays from one scrape to the next would keep about 4 KB per loop.
            buffer.Clear();
        }
    }

    private Scrape Compact(string pod, DateTimeOffset time, double latencyMs, int errors) => new()
    {
        Pod = pod,
        Time = time,
        LatencyMs = latencyMs,
        Samples = new WindowSamples(LayoutOf(buffer.Series), buffer.Values),
        ParseErrors = errors,
    };

    private Series[] LayoutOf(ReadOnlySpan<Series> samples)
    {
        foreach (var layout in layouts)
        {
            if (samples.SequenceEqual(layout, ReferenceEqualityComparer.Instance))
            {
                return layout;
            }
        }

        var fresh = samples.ToArray();
        layouts.Insert(0, fresh);
        if (layouts.Count > LayoutsKept)
        {
            layouts.RemoveAt(layouts.Count - 1);
        }

        return fresh;
    }
}
