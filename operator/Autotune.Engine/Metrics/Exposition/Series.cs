using System.Text;

namespace Autotune.Engine.Metrics.Exposition;

/// <summary>
/// One time series: a metric name and its labels, sorted by name. Equal series have equal <see cref="Key"/>
/// whatever order the exporter wrote the labels in.
/// </summary>
public sealed class Series : IEquatable<Series>
{
    private readonly int hash;

    private Series(string name, Label[] labels, string key)
    {
        Name = name;
        Labels = labels;
        Key = key;
        hash = StringComparer.Ordinal.GetHashCode(key);
    }

    /// <summary>The metric name (for a histogram, including <c>_bucket</c>, <c>_sum</c> or <c>_count</c>).</summary>
    public string Name { get; }

    /// <summary>The labels, sorted by name, without <c>__name__</c>.</summary>
    public IReadOnlyList<Label> Labels { get; }

    /// <summary>What the window reader uses this series for, worked out once per series (-1: not yet).</summary>
    internal int RoleCache { get; set; } = -1;

    /// <summary>Canonical text <c>name{a="x",b="y"}</c> with labels sorted: the series identity.</summary>
    public string Key { get; }

    /// <summary>Creates a series; labels named <c>__name__</c> are dropped and the rest sorted.</summary>
    public static Series Create(string name, IEnumerable<Label> labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(labels);
        var sorted = labels.Where(l => l.Name != "__name__").ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new Series(name, sorted, BuildKey(name, sorted));
    }

    /// <summary>Creates a series from name/value pairs (tests and the Prometheus API reader).</summary>
    public static Series Create(string name, params (string Name, string Value)[] labels) =>
        Create(name, labels.Select(l => new Label(l.Name, l.Value)));

    /// <summary>The value of a label, or null when the series has no such label.</summary>
    public string? Get(string labelName)
    {
        foreach (var label in Labels)
        {
            if (string.Equals(label.Name, labelName, StringComparison.Ordinal))
            {
                return label.Value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public bool Equals(Series? other) =>
        other is not null && (ReferenceEquals(this, other) || (hash == other.hash && string.Equals(Key, other.Key, StringComparison.Ordinal)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Series);

    /// <inheritdoc />
    public override int GetHashCode() => hash;

    /// <inheritdoc />
    public override string ToString() => Key;

    private static string BuildKey(string name, Label[] labels)
    {
        if (labels.Length == 0)
        {
            return name;
        }

        var builder = new StringBuilder(name.Length + (labels.Length * 24));
        builder.Append(name).Append('{');
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(labels[i].Name).Append("=\"");
            foreach (var c in labels[i].Value)
            {
                _ = c switch
                {
                    '\\' => builder.Append(@"\\"),
                    '"' => builder.Append("\\\""),
                    '\n' => builder.Append(@"\n"),
                    _ => builder.Append(c),
                };
            }

            builder.Append('"');
        }

        return builder.Append('}').ToString();
    }
}
