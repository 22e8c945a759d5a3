namespace Autotune.Engine.Decisions.Budget;

/// <summary>
/// Shares a server's connections among the APIs of a DatabaseBudget by weighted max-min fairness (water-filling):
/// every API is granted its minimum; an API that wants less than its weighted share of what is left gets what it
/// wants, and what it leaves is split among the others by weight, each up to its maximum. Caps never add up to more
/// than the capacity; when the minimums alone exceed it, they are scaled down in proportion and reported. Pure.
/// </summary>
public static class ConnectionArbiter
{
    /// <summary>Allocates <paramref name="capacity"/> connections to <paramref name="requests"/>.</summary>
    public static Allocation Allocate(int capacity, IReadOnlyList<ShareRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        capacity = Math.Max(0, capacity);
        var lo = requests.Select(r => Math.Min(Math.Max(0, r.Min), r.Max ?? int.MaxValue)).ToArray();
        var weights = requests.Select(r => Math.Max(1, r.Weight)).ToArray();
        var wantsHigh = requests.Select((r, i) => (long)Math.Clamp(Math.Max(0, r.Wants), lo[i], r.Max ?? int.MaxValue)).ToArray();
        var allHigh = requests.Select(r => (long)Math.Min(r.Max ?? int.MaxValue, capacity)).ToArray();
        var minimums = lo.Sum(x => (long)x);
        if (minimums > capacity)
        {
            var scaled = lo.Select(m => (int)(capacity * (long)m / minimums)).ToArray();
            var why = $"the minimums add up to {minimums} connections but the server offers the budget {capacity}; each minimum is scaled to {Math.Round(100.0 * capacity / minimums)}%";
            return new Allocation(capacity, [.. requests.Select((r, i) => new ShareGrant(r.Name, weights[i], scaled[i], scaled[i], Math.Max(0, r.Wants)))], why);
        }

        var caps = Fill(capacity, weights, lo, wantsHigh);
        var shares = Fill(capacity, weights, lo, allHigh.Select((h, i) => Math.Max(h, lo[i])).ToArray());
        return new Allocation(capacity, [.. requests.Select((r, i) => new ShareGrant(r.Name, weights[i], shares[i], caps[i], Math.Max(0, r.Wants)))], null);
    }

    /// <summary>Integer water-filling: x_i = clamp(level x w_i, lo_i, hi_i) with the largest level that fits, rounded down, the rest handed out one by one.</summary>
    private static int[] Fill(int capacity, int[] weights, int[] lo, long[] hi)
    {
        var n = weights.Length;
        if (hi.Sum() <= capacity)
        {
            return [.. hi.Select(h => (int)h)];
        }

        double At(double level, int i) => Math.Clamp(level * weights[i], lo[i], hi[i]);
        double Total(double level) => Enumerable.Range(0, n).Sum(i => At(level, i));

        // Total(level) grows with the level; at capacity / min weight every API reaches its bound, so the level is below.
        double low = 0, high = (double)capacity / weights.Min() + 1;
        for (var step = 0; step < 100; step++)
        {
            var mid = (low + high) / 2;
            if (Total(mid) <= capacity)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        var exact = Enumerable.Range(0, n).Select(i => At(low, i)).ToArray();
        var caps = exact.Select(x => (int)Math.Floor(x)).ToArray();
        var left = capacity - caps.Sum();

        // The connections rounding left over go one each to the APIs with the largest fractions still under their bound.
        foreach (var i in Enumerable.Range(0, n).Where(i => caps[i] < hi[i]).OrderByDescending(i => exact[i] - caps[i]).ThenByDescending(i => weights[i]).ThenBy(i => i))
        {
            if (left <= 0)
            {
                break;
            }

            caps[i]++;
            left--;
        }

        return caps;
    }
}
