using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Tests.Spec;

/// <summary>
/// Compares the C# records with the CRD schema field by field: presence, type, format, enum values, required-ness,
/// bounds (minimum, maximum, lengths, pattern) and, for the spec, defaults. Each difference names its field.
/// </summary>
internal sealed class SchemaDrift
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly List<string> _differences = [];
    private readonly bool _compareDefaults;

    private SchemaDrift(bool compareDefaults) => _compareDefaults = compareDefaults;

    public static List<string> Compare(Type type, JsonObject schema, string path, bool compareDefaults)
    {
        var drift = new SchemaDrift(compareDefaults);
        drift.CompareObject(type, schema, path);
        return drift._differences;
    }

    private void CompareObject(Type type, JsonObject schema, string path, KnobLimitsAttribute? limits = null)
    {
        if (!Expect(path, schema, "type", "object"))
        {
            return;
        }

        var schemaProperties = schema["properties"]?.AsObject() ?? [];
        var required = (schema["required"]?.AsArray() ?? []).Select(r => (string)r!).ToHashSet();
        var model = ModelShape.Of(type);
        var defaults = _compareDefaults ? Activator.CreateInstance(type) : null;
        foreach (var name in schemaProperties.Select(p => p.Key).Except(model.Select(p => p.JsonName)))
        {
            Differ($"{path}.{name}", "is in the CRD but not in the C# model");
        }

        foreach (var property in model)
        {
            var field = $"{path}.{property.JsonName}";
            if (schemaProperties[property.JsonName] is not JsonObject node)
            {
                Differ(field, $"is in the C# model ({type.Name}.{property.Info.Name}) but not in the CRD");
                continue;
            }

            if (property.IsRequired != required.Contains(property.JsonName))
            {
                Differ(field, property.IsRequired ? "is required in C# but not in the CRD" : "is required in the CRD but not in C#");
            }

            if (defaults is not null)
            {
                CompareDefault(property, property.Info.GetValue(defaults), node, field);
            }

            var bounds = limits is not null && property.JsonName is "min" or "max"
                ? new RangeAttribute(limits.Lowest, limits.Highest)
                : property.Info.GetCustomAttribute<RangeAttribute>();
            CompareValue(property.ValueType, property.Info, bounds, node, field);
        }
    }

    private void CompareValue(Type type, PropertyInfo info, RangeAttribute? range, JsonObject node, string field)
    {
        CompareBounds(info, range, node, field);
        if (ModelShape.ItemTypeOf(type) is { } itemType)
        {
            if (Expect(field, node, "type", "array") && node["items"] is JsonObject items)
            {
                CompareItems(itemType, info, items, field + "[]");
            }

            return;
        }

        if (ModelShape.IsObject(type))
        {
            CompareObject(type, node, field, info.GetCustomAttribute<KnobLimitsAttribute>());
            return;
        }

        var (schemaType, format) = ScalarOf(type, field);
        Expect(field, node, "type", schemaType);
        Expect(field, node, "format", format);
        var values = type.IsEnum
            ? Enum.GetNames(type)
            : info.GetCustomAttribute<AllowedValuesAttribute>()?.Values.Select(v => (string)v!).ToArray();
        CompareEnum(field, node, values);
    }

    private void CompareItems(Type itemType, PropertyInfo info, JsonObject items, string field)
    {
        if (ModelShape.IsObject(itemType))
        {
            CompareObject(itemType, items, field);
            return;
        }

        var (schemaType, format) = ScalarOf(itemType, field);
        Expect(field, items, "type", schemaType);
        Expect(field, items, "format", format);
        CompareEnum(field, items, itemType.IsEnum
            ? Enum.GetNames(itemType)
            : info.GetCustomAttribute<ItemsAllowedValuesAttribute>()?.Values.ToArray());
    }

    private void CompareBounds(PropertyInfo info, RangeAttribute? range, JsonObject node, string field)
    {
        var isList = ModelShape.ItemTypeOf(info.PropertyType) is not null;
        Expect(field, node, "minimum", range is null ? null : Number(range.Minimum));
        Expect(field, node, "maximum", range is null || Number(range.Maximum) >= int.MaxValue ? null : Number(range.Maximum));
        Expect(field, node, "exclusiveMinimum", range is { MinimumIsExclusive: true } ? true : null);
        var length = info.GetCustomAttribute<LengthAttribute>();
        var (minKey, maxKey) = isList ? ("minItems", "maxItems") : ("minLength", "maxLength");
        Expect(field, node, minKey, length is null or { MinimumLength: 0 } ? null : length.MinimumLength);
        Expect(field, node, maxKey, length?.MaximumLength);
        Expect(field, node, "pattern", info.GetCustomAttribute<RegularExpressionAttribute>()?.Pattern);
    }

    private void CompareEnum(string field, JsonObject node, string[]? values)
    {
        var schemaValues = node["enum"]?.AsArray().Select(v => v!.ToString()).ToArray();
        if (values is null != schemaValues is null ||
            (values is not null && !values.Order().SequenceEqual(schemaValues!.Order())))
        {
            Differ(field, $"enum is [{Join(schemaValues)}] in the CRD but [{Join(values)}] in C#");
        }
    }

    private void CompareDefault(ModelProperty property, object? value, JsonObject node, string field)
    {
        var schemaDefault = node["default"];
        if (property.IsRequired || property.IsNullable)
        {
            if (schemaDefault is not null)
            {
                Differ(field, $"has default {schemaDefault.ToJsonString()} in the CRD but is {(property.IsRequired ? "required" : "optional without default")} in C#");
            }

            return;
        }

        // Sections default to {} so that the API server fills their own defaults when they are left out.
        var expected = ModelShape.IsObject(property.ValueType)
            ? new JsonObject()
            : JsonSerializer.SerializeToNode(value, property.Info.PropertyType, Json);
        if (schemaDefault is null || !SameJson(expected, schemaDefault))
        {
            Differ(field, $"default is {schemaDefault?.ToJsonString() ?? "absent"} in the CRD but {expected?.ToJsonString()} in C#");
        }
    }

    private static (string Type, string? Format) ScalarOf(Type type, string field) => type switch
    {
        _ when type == typeof(int) => ("integer", "int32"),
        _ when type == typeof(long) => ("integer", "int64"),
        _ when type == typeof(double) => ("number", null),
        _ when type == typeof(bool) => ("boolean", null),
        _ when type == typeof(string) || type.IsEnum => ("string", null),
        _ when type == typeof(DateTimeOffset) => ("string", "date-time"),
        _ => throw new NotSupportedException($"{field}: no schema mapping for {type}"),
    };

    private bool Expect(string field, JsonObject node, string key, object? expected)
    {
        var actual = node[key];
        var same = expected is null ? actual is null : actual is not null && SameJson(JsonSerializer.SerializeToNode(expected), actual);
        if (!same)
        {
            Differ(field, $"{key} is {actual?.ToJsonString() ?? "absent"} in the CRD but {(expected is null ? "absent" : JsonSerializer.Serialize(expected))} in C#");
        }

        return same;
    }

    private static bool SameJson(JsonNode? a, JsonNode? b)
    {
        if (a is JsonValue va && b is JsonValue vb &&
            va.GetValueKind() == JsonValueKind.Number && vb.GetValueKind() == JsonValueKind.Number)
        {
            return double.Parse(va.ToJsonString(), CultureInfo.InvariantCulture) ==
                   double.Parse(vb.ToJsonString(), CultureInfo.InvariantCulture);
        }

        return JsonNode.DeepEquals(a, b);
    }

    private static double Number(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static string Join(string[]? values) => values is null ? string.Empty : string.Join(", ", values);

    private void Differ(string field, string message) => _differences.Add($"{field}: {message}");
}
