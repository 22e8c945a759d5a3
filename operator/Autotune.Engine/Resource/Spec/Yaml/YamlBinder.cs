using System.Collections;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Autotune.Engine.Resource.Spec.Yaml;

/// <summary>
/// Binds YAML nodes onto the spec records by their resource names (<see cref="ModelShape"/>), strictly: an unknown
/// field, a wrong type or a missing required field is a problem naming its line and field, and all are collected.
/// </summary>
internal sealed class YamlBinder(List<YamlProblem> problems)
{
    /// <summary>Binds a mapping onto a record; null (with problems recorded) when any field is wrong.</summary>
    public object? BindObject(YamlNode node, Type type, string path)
    {
        if (node is not YamlMappingNode map)
        {
            Add(node, path, $"expected fields ({string.Join(", ", ModelShape.Of(type).Select(p => p.JsonName))}), got {Describe(node)}");
            return null;
        }

        var instance = Activator.CreateInstance(type)!;
        var fields = ModelShape.Of(type).ToDictionary(p => p.JsonName, StringComparer.Ordinal);
        // Fields with a value, bound or not: a value of the wrong type is one problem, not also a missing field.
        var stated = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!fields.TryGetValue(name, out var field))
            {
                Add(keyNode, $"{path}.{name}", $"unknown field; the fields here are {string.Join(", ", fields.Keys)}");
                ok = false;
                continue;
            }

            if (IsNull(valueNode))
            {
                continue;
            }

            stated.Add(name);
            var (bound, value) = Bind(valueNode, field.ValueType, $"{path}.{name}");
            ok &= bound;
            if (bound)
            {
                field.Info.SetValue(instance, value);
            }
        }

        foreach (var missing in fields.Values.Where(f => f.IsRequired && !stated.Contains(f.JsonName)))
        {
            Add(map, $"{path}.{missing.JsonName}", "is required; add it");
            ok = false;
        }

        return ok ? instance : null;
    }

    private (bool Ok, object? Value) Bind(YamlNode node, Type type, string path)
    {
        if (ModelShape.ItemTypeOf(type) is { } itemType)
        {
            return BindList(node, itemType, path);
        }

        if (ModelShape.IsObject(type))
        {
            var value = BindObject(node, type, path);
            return (value is not null, value);
        }

        if (node is not YamlScalarNode scalar)
        {
            return Fail(node, path, $"expected {Expected(type)}, got {Describe(node)}");
        }

        return BindScalar(scalar, type, path);
    }

    private (bool Ok, object? Value) BindList(YamlNode node, Type itemType, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            return Fail(node, path, $"expected a list of {Expected(itemType)}, got {Describe(node)}");
        }

        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        var ok = true;
        var index = 0;
        foreach (var item in sequence.Children)
        {
            var (bound, value) = IsNull(item)
                ? Fail(item, $"{path}[{index}]", "is empty; remove it or give it a value")
                : Bind(item, itemType, $"{path}[{index}]");
            ok &= bound;
            if (bound)
            {
                list.Add(value);
            }

            index++;
        }

        return (ok, list);
    }

    private (bool Ok, object? Value) BindScalar(YamlScalarNode scalar, Type type, string path)
    {
        var kind = YamlScalars.KindOf(scalar);
        if (type == typeof(string))
        {
            return kind == ScalarKind.String
                ? (true, scalar.Value ?? string.Empty)
                : Fail(scalar, path, $"expected a string, got {YamlScalars.Describe(scalar)}; put it in quotes");
        }

        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            return kind == ScalarKind.String && names.Contains(scalar.Value, StringComparer.Ordinal)
                ? (true, Enum.Parse(type, scalar.Value!))
                : Fail(scalar, path, $"expected one of {string.Join(", ", names)}, got {YamlScalars.Describe(scalar)}");
        }

        if (type == typeof(bool))
        {
            return kind == ScalarKind.Boolean
                ? (true, YamlScalars.IsTrue(scalar))
                : Fail(scalar, path, $"expected true or false, got {YamlScalars.Describe(scalar)}");
        }

        if (type == typeof(int) || type == typeof(long))
        {
            var fits = YamlScalars.TryInteger(scalar, out var number) &&
                       (type == typeof(long) || number is >= int.MinValue and <= int.MaxValue);
            return fits
                ? (true, type == typeof(int) ? (object)(int)number : number)
                : Fail(scalar, path, $"expected {Expected(type)}, got {YamlScalars.Describe(scalar)}");
        }

        if (type == typeof(double))
        {
            return YamlScalars.TryNumber(scalar, out var number)
                ? (true, number)
                : Fail(scalar, path, $"expected a number, got {YamlScalars.Describe(scalar)}");
        }

        if (type == typeof(DateTimeOffset))
        {
            return kind == ScalarKind.String &&
                   DateTimeOffset.TryParse(scalar.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? (true, time)
                : Fail(scalar, path, $"expected a date-time (RFC 3339), got {YamlScalars.Describe(scalar)}");
        }

        throw new NotSupportedException($"{path}: the model uses {type}, which the YAML reader does not know");
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(string) => "a string",
        _ when type == typeof(int) => "a whole number",
        _ when type == typeof(long) => "a whole number",
        _ when type == typeof(double) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ => "fields",
    };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => YamlScalars.Describe(scalar),
        YamlSequenceNode => "a list",
        YamlMappingNode => "fields",
        _ => node.NodeType.ToString(),
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode scalar && YamlScalars.KindOf(scalar) == ScalarKind.Null;

    private (bool Ok, object? Value) Fail(YamlNode node, string path, string message)
    {
        Add(node, path, message);
        return (false, null);
    }

    private void Add(YamlNode node, string path, string message) =>
        problems.Add(new YamlProblem((int)node.Start.Line, (int)node.Start.Column, path, message));
}
