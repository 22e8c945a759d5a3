using k8s.Models;

namespace Autotune.Operator.Kubernetes;

/// <summary>Formats a label selector object as the <c>labelSelector</c> query parameter, or matches it against labels.</summary>
internal static class LabelSelectors
{
    /// <summary>The selector as text (<c>app=orders,tier in (web)</c>), or null when it selects nothing.</summary>
    public static string? Format(V1LabelSelector? selector)
    {
        if (selector is null)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            parts.Add($"{key}={value}");
        }

        foreach (var expression in selector.MatchExpressions ?? [])
        {
            parts.Add(expression.OperatorProperty switch
            {
                "In" => $"{expression.Key} in ({string.Join(',', expression.Values ?? [])})",
                "NotIn" => $"{expression.Key} notin ({string.Join(',', expression.Values ?? [])})",
                "Exists" => expression.Key,
                "DoesNotExist" => $"!{expression.Key}",
                _ => throw new InvalidOperationException($"unknown label selector operator {expression.OperatorProperty}"),
            });
        }

        return parts.Count == 0 ? null : string.Join(',', parts);
    }

    /// <summary>
    /// True when <paramref name="labels"/> satisfy <paramref name="selector"/>, as the API server decides for a
    /// <c>labelSelector</c> query: every matchLabels pair and every expression. An empty selector matches nothing
    /// here, as <see cref="Format"/> turns it into no query at all and the ports refuse it.
    /// </summary>
    public static bool Matches(V1LabelSelector selector, IDictionary<string, string>? labels)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0)
        {
            return false;
        }

        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (labels is null || !labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var expression in selector.MatchExpressions ?? [])
        {
            string? actual = null;
            var has = labels is not null && labels.TryGetValue(expression.Key, out actual);
            var ok = expression.OperatorProperty switch
            {
                "In" => has && (expression.Values ?? []).Contains(actual!),
                "NotIn" => !has || !(expression.Values ?? []).Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => throw new InvalidOperationException($"unknown label selector operator {expression.OperatorProperty}"),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
