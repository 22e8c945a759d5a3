using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Autotune.Engine.Resource.Spec;

/// <summary>One property of a spec or status record as it appears in the resource (camelCase name).</summary>
/// <param name="Info">The C# property.</param>
/// <param name="JsonName">The field name in the resource.</param>
/// <param name="IsRequired">Declared <c>required</c>: the resource must state it.</param>
/// <param name="IsNullable">May be absent (null) in the model.</param>
/// <param name="ValueType">The property type without <see cref="Nullable{T}"/>.</param>
internal sealed record ModelProperty(PropertyInfo Info, string JsonName, bool IsRequired, bool IsNullable, Type ValueType)
{
    /// <summary>The element type when the property is a list, else null.</summary>
    public Type? ItemType => ModelShape.ItemTypeOf(ValueType);
}

/// <summary>
/// How the C# records map onto the resource's fields: one place for the naming (camelCase), required-ness and
/// nullability that the YAML reader, the validator and the schema drift test all rely on.
/// </summary>
internal static class ModelShape
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<ModelProperty>> Cache = new();

    /// <summary>The resource fields of a record type, in declaration order.</summary>
    public static IReadOnlyList<ModelProperty> Of(Type type) => Cache.GetOrAdd(type, Describe);

    /// <summary>True for the record types that are objects in the resource (not scalars, enums or lists).</summary>
    public static bool IsObject(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(ApiTuningSpec).Namespace;

    /// <summary>The element type of a list type, else null.</summary>
    public static Type? ItemTypeOf(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
            ? type.GetGenericArguments()[0]
            : null;

    /// <summary>The resource's name for a C# property name.</summary>
    public static string JsonNameOf(string propertyName) =>
        char.ToLowerInvariant(propertyName[0]) + propertyName[1..];

    private static List<ModelProperty> Describe(Type type)
    {
        var nullability = new NullabilityInfoContext();
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .Select(p =>
            {
                var underlying = Nullable.GetUnderlyingType(p.PropertyType);
                var nullable = underlying is not null || nullability.Create(p).ReadState == NullabilityState.Nullable;
                return new ModelProperty(
                    p,
                    JsonNameOf(p.Name),
                    p.IsDefined(typeof(RequiredMemberAttribute), inherit: false),
                    nullable,
                    underlying ?? p.PropertyType);
            })
            .ToList();
    }
}
