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
        var scanner = new Scanner(block);
        while (scanner.Next(out var nameRange, out var valueRange, out error))
        {
            var name = table.Intern(block[nameRange]);
            if (labels.Exists(l => l.Name == name))
            {
                error = $"label '{name}' appears twice";
                return null;
            }

            labels.Add(new Label(name, Unescape(block[valueRange])));
        }

        return error is null ? labels : null;
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
        var scanner = new Scanner(block);
        string? error;
        while (scanner.Next(out var nameRange, out _, out error))
        {
            if (count == names.Length)
            {
                return false;
            }

            var name = block[nameRange];
            foreach (var seen in names[..count])
            {
                if (block[seen].SequenceEqual(name))
                {
                    return false;
                }
            }

            names[count++] = nameRange;
        }

        return error is null;
    }

    /// <summary>True for characters allowed in metric names (<paramref name="allowColon"/>) or label names.</summary>
    public static bool IsNameChar(char c, bool first, bool allowColon) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (!first && c is >= '0' and <= '9');

    // The value as written, its escapes (already checked by the scanner: \\, \" and \n) replaced.
    private static string Unescape(ReadOnlySpan<char> raw)
    {
        var slash = raw.IndexOf('\\');
        if (slash < 0)
        {
            return raw.ToString();
        }

        var unescaped = new StringBuilder(raw.Length).Append(raw[..slash]);
        for (var i = slash; i < raw.Length; i++)
        {
            var c = raw[i];
            unescaped.Append(c != '\\' ? c : raw[++i] == 'n' ? '\n' : raw[i]);
        }

        return unescaped.ToString();
    }

    private static int SkipBlanks(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// The grammar of a label block, shared by <see cref="Read"/> and <see cref="IsValid"/>: each call gives the next
    /// label's name and raw value (escapes checked, not replaced), false at the closing brace or, with the reason, at
    /// the first thing that breaks the grammar. Allocates only for that reason.
    /// </summary>
    private ref struct Scanner(ReadOnlySpan<char> block)
    {
        private readonly ReadOnlySpan<char> _block = block;
        private readonly int _end = block.Length - 1; // the '}'
        private int _i = 1; // past '{'
        private Range _last;
        private bool _started;

        public bool Next(out Range name, out Range value, out string? error)
        {
            var block = _block;
            var end = _end;
            name = value = default;
            error = null;
            var i = SkipBlanks(block, _i);
            if (_started)
            {
                // The separator after the label before: a comma, or the end of the block.
                if (i < end && block[i] == ',')
                {
                    i = SkipBlanks(block, i + 1);
                }
                else if (i < end)
                {
                    error = $"expected ',' or '}}' after the value of label '{block[_last]}'";
                    return false;
                }
            }

            if (i >= end)
            {
                return false;
            }

            var nameStart = i;
            while (i < end && IsNameChar(block[i], i == nameStart, allowColon: false))
            {
                i++;
            }

            if (i == nameStart)
            {
                error = $"invalid label name at column {nameStart + 1}";
                return false;
            }

            name = nameStart..i;
            i = SkipBlanks(block, i);
            if (i >= end || block[i] != '=')
            {
                error = $"expected '=' after label name '{block[name]}'";
                return false;
            }

            i = SkipBlanks(block, i + 1);
            if (i >= end || block[i] != '"')
            {
                error = $"expected '\"' to open the value of label '{block[name]}'";
                return false;
            }

            var valueStart = ++i;
            for (; ; i++)
            {
                if (i >= end || (block[i] == '\\' && i + 1 >= end))
                {
                    error = $"unterminated value of label '{block[name]}'";
                    return false;
                }

                if (block[i] == '"')
                {
                    break;
                }

                if (block[i] == '\\')
                {
                    if (block[++i] is not ('\\' or '"' or 'n'))
                    {
                        error = $"invalid escape '\\{block[i]}' in the value of label '{block[name]}'";
                        return false;
                    }
                }
            }

            value = valueStart..i;
            _i = i + 1;
            _last = name;
            _started = true;
            return true;
        }
    }
}
