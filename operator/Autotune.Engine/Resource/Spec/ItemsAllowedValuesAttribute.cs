namespace Autotune.Engine.Resource.Spec;

/// <summary>The values each item of a list of strings may take (the schema's <c>items.enum</c>).</summary>
/// <param name="values">The allowed values.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAllowedValuesAttribute(params string[] values) : Attribute
{
    /// <summary>The allowed values, in schema order.</summary>
    public IReadOnlyList<string> Values { get; } = values;
}
