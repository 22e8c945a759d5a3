using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Resource.Validation;

/// <summary>
/// The rules the CRD schema states on single fields (required, minimum/maximum, pattern, enum, length), read from
/// the model's attributes so that a spec that never went through the API server (local mode, tests) is held to the
/// same schema. A test keeps the attributes and crds/apituning.yaml equal.
/// </summary>
internal static class BoundsRules
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Checks every field of a record and the records inside it.</summary>
    public static void Check(object record, string path, ProblemList problems)
    {
        foreach (var property in ModelShape.Of(record.GetType()))
        {
            var field = $"{path}.{property.JsonName}";
            var value = property.Info.GetValue(record);
            if (value is null)
            {
                if (property.IsRequired || !property.IsNullable)
                {
                    problems.Add(field, "is required; set it");
                }

                continue;
            }

            CheckValue(property.Info, value, field, problems);
            if (value is KnobBudget budget && property.Info.GetCustomAttribute<KnobLimitsAttribute>() is { } limits)
            {
                CheckKnobLimits(budget, limits, field, problems);
            }
        }
    }

    private static void CheckValue(PropertyInfo info, object value, string field, ProblemList problems)
    {
        switch (value)
        {
            case Enum e when !Enum.IsDefined(e.GetType(), e):
                problems.Add(field, $"{e} is not one of {string.Join(", ", Enum.GetNames(e.GetType()))}");
                return;
            case double d when !double.IsFinite(d):
                problems.Add(field, $"{d.ToString(CultureInfo.InvariantCulture)} is not a finite number");
                return;
            case string or Enum or ValueType:
                CheckScalar(info, value, field, problems);
                return;
            case IEnumerable items:
                CheckList(info, items.Cast<object?>().ToList(), field, problems);
                return;
            default:
                Check(value, field, problems);
                return;
        }
    }

    private static void CheckScalar(PropertyInfo info, object value, string field, ProblemList problems)
    {
        if (info.GetCustomAttribute<RangeAttribute>() is { } range && !InRange(range, value))
        {
            problems.Add(field, $"{Show(value)} is out of range; use {Describe(range)}");
        }

        if (value is not string text)
        {
            return;
        }

        // One problem per string, the most telling first: its form, then the allowed values, then its length.
        var problem = info.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern &&
                      !Regex.IsMatch(text, pattern.Pattern, RegexOptions.CultureInvariant, RegexTimeout)
            ? $"{Show(text)} is not {pattern.ErrorMessage ?? "in the form " + pattern.Pattern}"
            : info.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed && !allowed.Values.Contains(text)
                ? $"{Show(text)} is not supported; use one of: {string.Join(", ", allowed.Values)}"
                : info.GetCustomAttribute<LengthAttribute>() is { } length &&
                  (text.Length < length.MinimumLength || text.Length > length.MaximumLength)
                    ? $"{Show(text)} has {text.Length} characters; use {length.MinimumLength} to {length.MaximumLength}"
                    : null;
        if (problem is not null)
        {
            problems.Add(field, problem);
        }
    }

    private static void CheckList(PropertyInfo info, List<object?> items, string field, ProblemList problems)
    {
        if (info.GetCustomAttribute<LengthAttribute>() is { } length &&
            (items.Count < length.MinimumLength || items.Count > length.MaximumLength))
        {
            problems.Add(field, $"has {items.Count} items; list {length.MinimumLength} to {length.MaximumLength}");
        }

        var allowed = info.GetCustomAttribute<ItemsAllowedValuesAttribute>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemField = $"{field}[{i}]";
            switch (items[i])
            {
                case null:
                    problems.Add(itemField, "is empty; remove it or give it a value");
                    break;
                case string text when allowed is not null && !allowed.Values.Contains(text):
                    problems.Add(itemField, $"{Show(text)} is not one of {string.Join(", ", allowed.Values)}");
                    break;
                case string:
                    break;
                case { } record:
                    Check(record, itemField, problems);
                    break;
            }
        }
    }

    private static void CheckKnobLimits(KnobBudget budget, KnobLimitsAttribute limits, string field, ProblemList problems)
    {
        foreach (var (name, value) in new[] { ("min", budget.Min), ("max", budget.Max) })
        {
            if (value < limits.Lowest || value > limits.Highest)
            {
                problems.Add($"{field}.{name}", $"{value} is out of range; use {limits.Lowest} to {limits.Highest}");
            }
        }
    }

    private static bool InRange(RangeAttribute range, object value)
    {
        var x = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        var min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
        var max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        var aboveMin = range.MinimumIsExclusive ? x > min : x >= min;
        var belowMax = range.MaximumIsExclusive ? x < max : x <= max;
        return aboveMin && belowMax;
    }

    private static string Describe(RangeAttribute range)
    {
        var unbounded = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture) >= int.MaxValue;
        var low = range.MinimumIsExclusive ? $"a value above {Show(range.Minimum)}" : $"a value of at least {Show(range.Minimum)}";
        return unbounded ? low : $"{low} and at most {Show(range.Maximum)}";
    }

    private static string Show(object value) => value switch
    {
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
