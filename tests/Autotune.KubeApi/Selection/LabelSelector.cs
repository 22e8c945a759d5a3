using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Autotune.KubeApi.Errors;

namespace Autotune.KubeApi.Selection;

/// <summary>
/// A label selector as the labelSelector query parameter writes it: equality (a=b, a==b, a!=b), set-based
/// (a in (x,y), a notin (x), a, !a), requirements joined by commas, all of which must hold.
/// </summary>
public sealed partial class LabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _requirements;

    private LabelSelector(List<Func<JsonObject?, bool>> requirements) => _requirements = requirements;

    /// <summary>Parses a selector; an empty or missing one selects everything; 400 BadRequest when malformed.</summary>
    public static LabelSelector Parse(string? text)
    {
        var requirements = new List<Func<JsonObject?, bool>>();
        foreach (var part in Split(text ?? string.Empty))
        {
            requirements.Add(Requirement(part.Trim()));
        }

        return new(requirements);
    }

    /// <summary>Whether the object's metadata.labels satisfy every requirement.</summary>
    public bool Matches(JsonObject obj)
    {
        var labels = obj["metadata"]?["labels"] as JsonObject;
        return _requirements.All(r => r(labels));
    }

    private static Func<JsonObject?, bool> Requirement(string text)
    {
        if (SetPattern().Match(text) is { Success: true } set)
        {
            var key = set.Groups["key"].Value;
            var values = set.Groups["values"].Value.Split(',').Select(v => v.Trim()).ToHashSet();
            var notIn = set.Groups["op"].Value == "notin";
            return labels => Value(labels, key) is { } v ? values.Contains(v) != notIn : notIn;
        }

        if (EqualityPattern().Match(text) is { Success: true } equality)
        {
            var key = equality.Groups["key"].Value;
            var value = equality.Groups["value"].Value;
            var negate = equality.Groups["op"].Value == "!=";
            return labels => (Value(labels, key) == value) != negate;
        }

        if (ExistsPattern().Match(text) is { Success: true } exists)
        {
            var key = exists.Groups["key"].Value;
            var negate = exists.Groups["not"].Success;
            return labels => (Value(labels, key) is not null) != negate;
        }

        throw KubeApiException.BadRequest($"unable to parse requirement: {text}");
    }

    private static string? Value(JsonObject? labels, string key) => (string?)labels?[key];

    private static IEnumerable<string> Split(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        if (text[start..].Trim().Length > 0)
        {
            yield return text[start..];
        }
    }

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9./_-]+)\s+(?<op>in|notin)\s*\((?<values>[^)]*)\)$")]
    private static partial Regex SetPattern();

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9./_-]+)\s*(?<op>==|!=|=)\s*(?<value>[A-Za-z0-9._-]*)$")]
    private static partial Regex EqualityPattern();

    [GeneratedRegex(@"^(?<not>!)?\s*(?<key>[A-Za-z0-9./_-]+)$")]
    private static partial Regex ExistsPattern();
}
