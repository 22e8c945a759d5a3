using System.Buffers;
using System.Text;

namespace Autotune.Engine.Metrics.Exposition;

/// <summary>Finds and reads the <c>{name="value",...}</c> block of a sample line (format 0.0.4 escaping).</summary>
internal static class LabelBlock
{
    private static readonly SearchValues<char> MetricNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");

    /// <summary>Length of the metric name that starts the line (0 when it does not start with one).</summary>
    public static int MetricNameLength(ReadOnlySpan<char> line)
    {
        if (line.IsEmpty || !IsNameChar(line[0], first: true, allowColon: true))
        {
            return 0;
        }

        var end = line.IndexOfAnyExcept(MetricNameChars);
        return end < 0 ? line.Length : end;
    }

    /// <summary>Index just past the closing brace of the block opening at <paramref name="open"/>, or -1 when unclosed.</summary>
    public static int FindEnd(ReadOnlySpan<char> line, int open)
    {
        // Vectorised jumps: to the next quote or closing brace outside values, to the next quote or backslash inside.
        var i = open + 1;
        while (i < line.Length)
        {
            var next = line[i..].IndexOfAny('"', '}');
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (line[i] == '}')
            {
                return i + 1;
            }

            for (i++; ; i++)
            {
                var inValue = line[i..].IndexOfAny('"', '\\');
                if (inValue < 0)
                {
                    return -1;
                }

                i += inValue;
                if (line[i] == '"')
                {
                    break;
                }

                i++; // skip the escaped character
                if (i >= line.Length)
                {
                    return -1;
                }
            }

            i++;
        }

        return -1;
    }

    /// <summary>Reads the labels between the braces; null and an error message when the block is malformed.</summary>
    public static List<Label>? Read(ReadOnlySpan<char> block, SeriesTable table, out string? error)
    {
        var labels = new List<Label>();
        var i = 1; // past '{'
        var end = block.Length - 1; // the '}'
        error = null;
        while (true)
        {
            i = SkipBlanks(block, i);
            if (i >= end)
            {
                return labels;
            }

            var nameStart = i;
            while (i < end && IsNameChar(block[i], i == nameStart, allowColon: false))
            {
                i++;
            }

            if (i == nameStart)
            {
                error = $"invalid label name at column {nameStart + 1}";
                return null;
            }

            var name = table.Intern(block[nameStart..i]);
            i = SkipBlanks(block, i);
            if (i >= end || block[i] != '=')
            {
                error = $"expected '=' after label name '{name}'";
                return null;
            }

            i = SkipBlanks(block, i + 1);
            if (i >= end || block[i] != '"')
            {
                error = $"expected '\"' to open the value of label '{name}'";
                return null;
            }

            var value = ReadQuoted(block, ref i, end, name, out error);
            if (value is null)
            {
                return null;
            }

            if (labels.Exists(l => l.Name == name))
            {
                error = $"label '{name}' appears twice";
                return null;
            }

            labels.Add(new Label(name, value));
            i = SkipBlanks(block, i);
            if (i < end && block[i] == ',')
            {
                i++;
            }
            else if (i < end)
            {
                error = $"expected ',' or '}}' after the value of label '{name}'";
                return null;
            }
        }
    }

    /// <summary>
    /// True when <see cref="Read"/> would accept the block, checked without allocating (for the series a parser does
    /// not keep); false when it would not, or when the block has more labels than checked here: <see cref="Read"/>
    /// then says why, or reads it.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> block)
    {
        Span<Range> names = stackalloc Range[16];
        var count = 0;
        var i = 1; // past '{'
        var end = block.Length - 1; // the '}'
        while (true)
        {
            i = SkipBlanks(block, i);
            if (i >= end)
            {
                return true;
            }

            var nameStart = i;
            while (i < end && IsNameChar(block[i], i == nameStart, allowColon: false))
            {
                i++;
            }

            var nameEnd = i;
            i = SkipBlanks(block, i);
            if (nameEnd == nameStart || i >= end || block[i] != '=')
            {
                return false;
            }

            i = SkipBlanks(block, i + 1);
            if (i >= end || block[i] != '"')
            {
                return false;
            }

            for (i++; ; i++)
            {
                if (i >= end)
                {
                    return false;
                }

                if (block[i] == '"')
                {
                    i++;
                    break;
                }

                if (block[i] == '\\')
                {
                    if (i + 1 >= end || block[i + 1] is not ('\\' or '"' or 'n'))
                    {
                        return false;
                    }

                    i++;
                }
            }

            if (count == names.Length)
            {
                return false;
            }

            var name = block[nameStart..nameEnd];
            foreach (var seen in names[..count])
            {
                if (block[seen].SequenceEqual(name))
                {
                    return false;
                }
            }

            names[count++] = nameStart..nameEnd;
            i = SkipBlanks(block, i);
            if (i < end && block[i] == ',')
            {
                i++;
            }
            else if (i < end)
            {
                return false;
            }
        }
    }

    /// <summary>True for characters allowed in metric names (<paramref name="allowColon"/>) or label names.</summary>
    public static bool IsNameChar(char c, bool first, bool allowColon) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (!first && c is >= '0' and <= '9');

    private static string? ReadQuoted(ReadOnlySpan<char> block, ref int i, int end, string name, out string? error)
    {
        error = null;
        var start = ++i;
        StringBuilder? unescaped = null;
        for (; i < end; i++)
        {
            var c = block[i];
            if (c == '"')
            {
                var text = unescaped is null ? block[start..i].ToString() : unescaped.ToString();
                i++;
                return text;
            }

            if (c != '\\')
            {
                unescaped?.Append(c);
                continue;
            }

            unescaped ??= new StringBuilder().Append(block[start..i]);
            if (i + 1 >= end)
            {
                break;
            }

            var escaped = block[++i] switch
            {
                '\\' => '\\',
                '"' => '"',
                'n' => '\n',
                _ => '\0',
            };
            if (escaped == '\0')
            {
                error = $"invalid escape '\\{block[i]}' in the value of label '{name}'";
                return null;
            }

            unescaped.Append(escaped);
        }

        error = $"unterminated value of label '{name}'";
        return null;
    }

    private static int SkipBlanks(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }
}
