using k8s.Models;

namespace Autotune.Operator.Kubernetes;

/// <summary>Formats a label selector object as the <c>labelSelector</c> query parameter.</summary>
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
}
