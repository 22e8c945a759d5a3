using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Tables;

/// <summary>One column of a Table: its definition as kubectl reads it and how a cell is computed from an object at a time.</summary>
internal sealed record TableColumn(string Name, string Type, string Description, Func<JsonObject, DateTimeOffset, JsonNode?> Cell, int Priority = 0, string Format = "")
{
    public const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
    public const string AgeDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.";

    /// <summary>NAME: the object's name.</summary>
    public static TableColumn ObjectName { get; } = new("Name", "string", NameDescription, (o, _) => (string?)o["metadata"]?["name"], Format: "name");

    /// <summary>AGE: how long ago the object was created.</summary>
    public static TableColumn Age { get; } = new("Age", "string", AgeDescription, (o, now) => HumanDuration.Since((string?)o["metadata"]?["creationTimestamp"], now));

    /// <summary>The column definition, as a Table carries it.</summary>
    public JsonObject Definition() => new()
    {
        ["name"] = Name,
        ["type"] = Type,
        ["format"] = Format,
        ["description"] = Description,
        ["priority"] = Priority,
    };
}
