namespace Autotune.Engine.Metrics.Histograms;

/// <summary>
/// PromQL's <c>histogram_quantile</c> and <c>histogram_fraction</c> over classic (cumulative <c>le</c>) buckets, step
/// for step as Prometheus's promql/quantile.go computes them, so a window gives the number a dashboard shows.
/// </summary>
public static class HistogramQuantile
{
    /// <summary>
    /// The q-quantile: linear interpolation inside the bucket holding rank q x count, from 0 in the lowest bucket when
    /// its bound is positive; in the +Inf bucket the highest finite bound. NaN without observations, without a +Inf
    /// bucket or with fewer than two buckets; -Inf for q &lt; 0, +Inf for q &gt; 1. The input is sorted in place.
    /// </summary>
    public static double Quantile(double q, Span<Bucket> buckets)
    {
        if (double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        if (!Prepare(ref buckets))
        {
            return double.NaN;
        }

        var observations = buckets[^1].Count;
        if (observations == 0)
        {
            return double.NaN;
        }

        var rank = q * observations;
        var b = FirstAtOrAbove(buckets[..^1], rank);
        if (b == buckets.Length - 1)
        {
            return buckets[^2].UpperBound;
        }

        if (b == 0 && buckets[0].UpperBound <= 0)
        {
            return buckets[0].UpperBound;
        }

        var bucketStart = 0.0;
        var bucketEnd = buckets[b].UpperBound;
        var count = buckets[b].Count;
        if (b > 0)
        {
            bucketStart = buckets[b - 1].UpperBound;
            count -= buckets[b - 1].Count;
            rank -= buckets[b - 1].Count;
        }

        return bucketStart + ((bucketEnd - bucketStart) * (rank / count));
    }

    /// <summary>
    /// Share (0..1) of observations at or under <paramref name="value"/>, interpolated linearly inside its bucket the
    /// way <c>histogram_fraction(-Inf, value, ...)</c> does; observations in the +Inf bucket count as above any finite
    /// value. NaN without observations or without a +Inf bucket. The input is sorted in place.
    /// </summary>
    public static double ShareAtOrUnder(double value, Span<Bucket> buckets)
    {
        if (double.IsNaN(value) || !Prepare(ref buckets))
        {
            return double.NaN;
        }

        var observations = buckets[^1].Count;
        if (observations == 0)
        {
            return double.NaN;
        }

        var below = 0.0;
        var lower = buckets[0].UpperBound > 0 ? 0 : double.NegativeInfinity;
        foreach (var bucket in buckets)
        {
            if (value >= bucket.UpperBound)
            {
                below = bucket.Count;
                lower = bucket.UpperBound;
                continue;
            }

            if (value > lower && !double.IsInfinity(bucket.UpperBound) && !double.IsInfinity(lower))
            {
                below += (bucket.Count - below) * (value - lower) / (bucket.UpperBound - lower);
            }

            break;
        }

        return Math.Min(below, observations) / observations;
    }

    /// <summary>Sorts, checks for +Inf, merges equal bounds, fixes float noise and forces monotonic counts.</summary>
    private static bool Prepare(ref Span<Bucket> buckets)
    {
        if (buckets.Length == 0)
        {
            return false;
        }

        buckets.Sort(static (a, b) => a.UpperBound.CompareTo(b.UpperBound));
        if (!double.IsPositiveInfinity(buckets[^1].UpperBound))
        {
            return false;
        }

        buckets = Coalesce(buckets);
        CorrectPrecisionErrors(buckets, 1e-12);
        EnsureMonotonic(buckets);
        return buckets.Length >= 2;
    }

    private static Span<Bucket> Coalesce(Span<Bucket> buckets)
    {
        var last = buckets[0];
        var i = 0;
        foreach (var bucket in buckets[1..])
        {
            if (bucket.UpperBound == last.UpperBound)
            {
                last.Count += bucket.Count;
            }
            else
            {
                buckets[i++] = last;
                last = bucket;
            }
        }

        buckets[i] = last;
        return buckets[..(i + 1)];
    }

    private static void CorrectPrecisionErrors(Span<Bucket> buckets, double tolerance)
    {
        var previous = buckets[0].Count;
        for (var i = 1; i < buckets.Length; i++)
        {
            var current = buckets[i].Count;
            var delta = Math.Abs(current - previous);
            if (delta == 0)
            {
                continue;
            }

            if (delta / current <= tolerance)
            {
                buckets[i].Count = previous;
            }
            else
            {
                previous = current;
            }
        }
    }

    private static void EnsureMonotonic(Span<Bucket> buckets)
    {
        var max = buckets[0].Count;
        for (var i = 1; i < buckets.Length; i++)
        {
            if (buckets[i].Count > max)
            {
                max = buckets[i].Count;
            }
            else if (buckets[i].Count < max)
            {
                buckets[i].Count = max;
            }
        }
    }

    private static int FirstAtOrAbove(ReadOnlySpan<Bucket> buckets, double rank)
    {
        // Go's sort.Search: the smallest index whose count >= rank, or Length when none.
        int low = 0, high = buckets.Length;
        while (low < high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (buckets[mid].Count >= rank)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }
}
