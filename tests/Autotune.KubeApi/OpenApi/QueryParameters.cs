using System.Text.Json.Nodes;

namespace Autotune.KubeApi.OpenApi;

/// <summary>The query parameters the OpenAPI operations declare: the ones this server reads, described as the API server describes them.</summary>
internal static class QueryParameters
{
    private const string FieldValidationDescription = "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.";

    /// <summary>list and watch.</summary>
    public static JsonArray List => new(
        Query("labelSelector", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
        Query("fieldSelector", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
        Query("resourceVersion", "resourceVersion sets a constraint on what resource versions a request may be served from."),
        Query("timeoutSeconds", "Timeout for the list/watch call.", "integer"),
        Query("allowWatchBookmarks", "allowWatchBookmarks requests watch events with type \"BOOKMARK\".", "boolean"),
        Query("watch", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.", "boolean"));

    /// <summary>create and replace.</summary>
    public static JsonArray Write => new(
        Query("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
        Query("fieldValidation", FieldValidationDescription));

    /// <summary>patch.</summary>
    public static JsonArray Patch => Write;

    /// <summary>delete.</summary>
    public static JsonArray Delete => new(
        Query("propagationPolicy", "Whether and how garbage collection will be performed."));

    /// <summary>A path parameter.</summary>
    public static JsonObject Path(string name, string description) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["description"] = description,
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static JsonObject Query(string name, string description, string type = "string") => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true },
    };
}
