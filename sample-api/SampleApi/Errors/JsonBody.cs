using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SampleApi.Errors;

/// <summary>Reads a JSON body; a malformed one becomes field errors naming where it broke.</summary>
internal static class JsonBody
{
    public static async Task<(T? Value, Dictionary<string, string[]>? Errors)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return (await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken), null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (default, new Dictionary<string, string[]> { [field] = [$"malformed JSON at line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}"] });
        }
    }
}
