using System.Globalization;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;

namespace Autotune.KubeApi.Patching;

/// <summary>
/// RFC 6902 JSON patch (application/json-patch+json) over JsonNode: add, remove, replace, move, copy and test, with
/// RFC 6901 pointers (~0, ~1, "-" for the end of an array). Written here because no JSON patch package is served
/// to this build. A failing operation fails the whole patch (the caller's document is left untouched).
/// </summary>
public static class JsonPatch
{
    /// <summary>Applies the operations to a copy of the document; 422 Invalid-style BadRequest when one cannot apply.</summary>
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var root = new JsonObject { ["doc"] = document.DeepClone() };
        foreach (var operation in operations)
        {
            var op = (string?)operation?["op"] ?? throw Fail("missing op");
            var path = (string?)operation!["path"] ?? throw Fail($"{op}: missing path");
            switch (op)
            {
                case "add":
                    Add(root, path, Value(operation, op));
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    Add(root, path, Value(operation, op));
                    break;
                case "move":
                    var moved = Remove(root, From(operation, op));
                    Add(root, path, moved);
                    break;
                case "copy":
                    Add(root, path, Find(root, From(operation, op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Find(root, path), Value(operation, op)))
                    {
                        throw Fail($"test failed: {path} does not hold the expected value");
                    }

                    break;
                default:
                    throw Fail($"unknown op {op}");
            }
        }

        return root["doc"] ?? throw Fail("the patch removed the whole document");
    }

    private static JsonNode? Value(JsonNode operation, string op) =>
        operation.AsObject().TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw Fail($"{op}: missing value");

    private static string From(JsonNode operation, string op) => (string?)operation["from"] ?? throw Fail($"{op}: missing from");

    private static JsonNode? Find(JsonObject root, string pointer)
    {
        var (parent, token) = Parent(root, pointer);
        return parent switch
        {
            JsonObject obj when obj.TryGetPropertyValue(token, out var value) => value,
            JsonArray array when Index(array, token, allowEnd: false) is var i => array[i],
            _ => throw Fail($"path {pointer} does not exist"),
        };
    }

    private static void Add(JsonObject root, string pointer, JsonNode? value)
    {
        var (parent, token) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject obj:
                obj[token] = value;
                break;
            case JsonArray array:
                array.Insert(Index(array, token, allowEnd: true), value);
                break;
            default:
                throw Fail($"path {pointer}: parent is not an object or array");
        }
    }

    private static JsonNode? Remove(JsonObject root, string pointer)
    {
        var (parent, token) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(token, out var value):
                obj.Remove(token);
                return value;
            case JsonArray array:
                var i = Index(array, token, allowEnd: false);
                var removed = array[i];
                array.RemoveAt(i);
                return removed;
            default:
                throw Fail($"path {pointer} does not exist");
        }
    }

    private static (JsonNode? Parent, string Token) Parent(JsonObject root, string pointer)
    {
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            throw Fail($"path {pointer} is not a JSON pointer");
        }

        var tokens = new List<string> { "doc" };
        if (pointer.Length > 0)
        {
            tokens.AddRange(pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)));
        }

        JsonNode? node = root;
        foreach (var token in tokens[..^1])
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array => array[Index(array, token, allowEnd: false)],
                _ => throw Fail($"path {pointer} does not exist"),
            };
        }

        return (node, tokens[^1]);
    }

    private static int Index(JsonArray array, string token, bool allowEnd)
    {
        if (allowEnd && token == "-")
        {
            return array.Count;
        }

        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > array.Count || (!allowEnd && index == array.Count))
        {
            throw Fail($"array index {token} is out of range");
        }

        return index;
    }

    private static KubeApiException Fail(string message) => new(422, "Invalid", $"the server rejected our request due to an error in our request: {message}");
}
