using System.Collections.Concurrent;

namespace Autotune.Engine.Metrics.Exposition;

/// <summary>
/// Remembers every series a parser has met, keyed by the exact text the exporter wrote, so that the next scrape of
/// the same exporter finds its series without parsing labels or allocating. Thread-safe: one table can serve every
/// scraping loop of a process (apps built from the same exporter write the same series), each loop with its own
/// <see cref="ExpositionParser"/>. Series are immutable once added (their role cache is set idempotently), so a
/// series found by one loop is safe to read in another.
/// </summary>
public sealed class SeriesTable
{
    private readonly ConcurrentDictionary<string, Series> byText = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Series>.AlternateLookup<ReadOnlySpan<char>> byTextSpan;
    private readonly ConcurrentDictionary<string, Series> byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> namesSpan;

    // ConcurrentDictionary.Count takes every lock; the bounds are checked against these instead (racing adders may
    // overshoot a bound by the number of threads adding at once, which is harmless).
    private int textCount;
    private int keyCount;
    private int nameCount;

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
    public int Count => Volatile.Read(ref textCount);

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
            if (Volatile.Read(ref keyCount) >= Capacity)
            {
                return series;
            }

            canonical = byKey.GetOrAdd(series.Key, series);
            if (ReferenceEquals(canonical, series))
            {
                Interlocked.Increment(ref keyCount);
            }
        }

        if (Volatile.Read(ref textCount) < Capacity && byTextSpan.TryAdd(text, canonical))
        {
            Interlocked.Increment(ref textCount);
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
        if (Volatile.Read(ref nameCount) < Capacity)
        {
            var kept = names.GetOrAdd(interned, interned);
            if (ReferenceEquals(kept, interned))
            {
                Interlocked.Increment(ref nameCount);
            }

            return kept;
        }

        return interned;
    }
}
