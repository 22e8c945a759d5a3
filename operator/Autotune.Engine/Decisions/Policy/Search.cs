namespace Autotune.Engine.Decisions.Policy;

/// <summary>Binary searches over a monotone predicate (the connections a plan needs grow with the value).</summary>
internal static class Search
{
    /// <summary>The largest value in [lo, hi] where <paramref name="fits"/> holds, given it holds below any value where it does; null when none.</summary>
    public static int? Largest(int lo, int hi, Func<int, bool> fits)
    {
        int? best = null;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (fits(mid))
            {
                best = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return best;
    }

    /// <summary>The smallest value in [lo, hi] where <paramref name="fits"/> holds, given it holds above any value where it does; null when none.</summary>
    public static int? Smallest(int lo, int hi, Func<int, bool> fits)
    {
        int? best = null;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (fits(mid))
            {
                best = mid;
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return best;
    }
}
