using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;

namespace Autotune.KubeApi.Selection;

/// <summary>
/// A field selector (fieldSelector query parameter): field=value, field==value and field!=value joined by commas,
/// over metadata.name, metadata.namespace and any other dotted path to a scalar (the real server allows fewer).
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string[] Path, string Value, bool Negate)> _requirements;

    private FieldSelector(List<(string[] Path, string Value, bool Negate)> requirements) => _requirements = requirements;

    /// <summary>Parses a selector; an empty or missing one selects everything.</summary>
    public static FieldSelector Parse(string? text)
    {
        var requirements = new List<(string[], string, bool)>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var negate = part.Contains("!=", StringComparison.Ordinal);
            var pieces = part.Split(negate ? "!=" : part.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (pieces.Length != 2 || pieces[0].Length == 0)
            {
                throw KubeApiException.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            }

            requirements.Add((pieces[0].Trim().Split('.'), pieces[1].Trim(), negate));
        }

        return new(requirements);
    }

    /// <summary>Whether every requirement holds for the object.</summary>
    public bool Matches(JsonObject obj) => _requirements.All(r =>
    {
        JsonNode? node = obj;
        foreach (var step in r.Path)
        {
            node = node?[step];
        }

        var value = node is JsonValue scalar ? scalar.ToString() : string.Empty;
        return (value == r.Value) != r.Negate;
    });
}
