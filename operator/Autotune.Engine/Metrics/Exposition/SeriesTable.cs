namespace Autotune.Engine.Metrics.Exposition;

/// <summary>
/// Remembers every series a parser has met, keyed by the exact text the exporter wrote, so that the next scrape of
/// the same exporter finds its series without parsing labels or allocating. Not thread-safe: one per scraping loop.
/// </summary>
public sealed class SeriesTable
{
    private readonly Dictionary<string, Series> byText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Series>.AlternateLookup<ReadOnlySpan<char>> byTextSpan;
    private readonly Dictionary<string, Series> byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> namesSpan;

    /// <summary>Creates an empty table that holds at most <paramref name="capacity"/> series texts.</summary>
    public SeriesTable(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        byTextSpan = byText.GetAlternateLookup<ReadOnlySpan<char>>();
        namesSpan = names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Most series texts remembered; past it, new series are still parsed, just not remembered.</summary>
    public int Capacity { get; }

    /// <summary>Series texts remembered.</summary>
    public int Count => byText.Count;

    /// <summary>Finds the series an exporter wrote as exactly this text (name and label block).</summary>
    public bool TryGet(ReadOnlySpan<char> text, out Series series) => byTextSpan.TryGetValue(text, out series!);

    /// <summary>Like <see cref="TryGet(ReadOnlySpan{char}, out Series)"/>, also giving the remembered text.</summary>
    internal bool TryGet(ReadOnlySpan<char> text, out string storedText, out Series series) =>
        byTextSpan.TryGetValue(text, out storedText!, out series!);

    /// <summary>Remembers a series under the text it was written as; returns the one instance kept for its key.</summary>
    public Series Add(ReadOnlySpan<char> text, Series series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (!byKey.TryGetValue(series.Key, out var canonical))
        {
            if (byKey.Count >= Capacity)
            {
                return series;
            }

            byKey[series.Key] = canonical = series;
        }

        if (byText.Count < Capacity)
        {
            byTextSpan[text] = canonical;
        }

        return canonical;
    }

    /// <summary>One string instance per metric or label name.</summary>
    public string Intern(ReadOnlySpan<char> name)
    {
        if (namesSpan.TryGetValue(name, out var interned))
        {
            return interned;
        }

        interned = name.ToString();
        if (names.Count < Capacity)
        {
            names[interned] = interned;
        }

        return interned;
    }
}
