using System.Globalization;

namespace Autotune.Engine.Decisions;

/// <summary>Numbers as messages show them: invariant culture, few digits.</summary>
internal static class Num
{
    /// <summary>A quantity: integers plain, small values with one or two decimals, NaN as "n/a".</summary>
    public static string F(double value) => double.IsNaN(value) ? "n/a"
        : Math.Abs(value) >= 100 || value == Math.Round(value) ? Math.Round(value).ToString("0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.#", CultureInfo.InvariantCulture)
        : value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A duration in ms: "180 ms".</summary>
    public static string Ms(double value) => F(value) + " ms";

    /// <summary>A share as a percentage: "72%".</summary>
    public static string Pct(double share) => double.IsNaN(share) ? "n/a"
        : (share * 100).ToString(share is > 0.99 and < 1 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + "%";
}
