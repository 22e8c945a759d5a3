namespace Autotune.Engine.Metrics.Exposition;

/// <summary>
/// Parses Prometheus text exposition format 0.0.4 (as the OpenTelemetry Prometheus exporter and prometheus-net write
/// it). A bad line becomes a <see cref="ParseError"/> naming its line number and parsing goes on; nothing throws.
/// Series are looked up by their exact text in a <see cref="SeriesTable"/>, so repeated scrapes of one exporter
/// allocate little more than the sample list. With a <see cref="MetricNameFilter"/>, the samples of other metric names
/// are read (their errors count as any line's) but neither kept nor remembered in the table.
/// </summary>
public sealed class ExpositionParser
{
    /// <summary>Errors kept per text; further ones are only counted.</summary>
    public const int MaxErrors = 20;

    private int lastSampleCount = 64;

    // Exporters write the same series in the same order every scrape: the text of the previous scrape's k-th sample is
    // compared first (a vectorised memory compare), and only on a mismatch is the table hashed. Between scrapes only the
    // previous order is kept, at its exact size (a parser per scrape loop, and a process may run a thousand).
    private (string Text, Series Series)[] previousOrder = [];
    private List<(string Text, Series Series)> currentOrder = [];

    private readonly MetricNameFilter? keep;

    /// <summary>
    /// Creates a parser remembering series in <paramref name="table"/> (a fresh table when null), keeping only the
    /// samples whose metric name <paramref name="keep"/> accepts (every sample when null).
    /// </summary>
    public ExpositionParser(SeriesTable? table = null, MetricNameFilter? keep = null)
    {
        Table = table ?? new SeriesTable();
        this.keep = keep;
    }

    /// <summary>The series this parser has met.</summary>
    public SeriesTable Table { get; }

    /// <summary>Parses one scrape's text.</summary>
    public ParseResult Parse(ReadOnlySpan<char> text)
    {
        var samples = new List<Sample>(lastSampleCount);
        currentOrder = new List<(string Text, Series Series)>(previousOrder.Length);
        var types = new Dictionary<string, MetricType>(StringComparer.Ordinal);
        var errors = new List<ParseError>();
        var errorCount = 0;
        var lineNumber = 0;
        while (!text.IsEmpty)
        {
            lineNumber++;
            var newline = text.IndexOf('\n');
            var line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? [] : text[(newline + 1)..];
            line = line.TrimEnd('\r');
            line = line[SkipBlanks(line, 0)..];
            if (line.IsEmpty)
            {
                continue;
            }

            var error = line[0] == '#' ? ReadComment(line, types) : ReadSample(line, samples);
            if (error is not null)
            {
                errorCount++;
                if (errors.Count < MaxErrors)
                {
                    var shown = line.Length > 120 ? line[..120] : line;
                    errors.Add(new ParseError(lineNumber, error, shown.ToString()));
                }
            }
        }

        lastSampleCount = Math.Max(16, samples.Count);
        previousOrder = [.. currentOrder];
        currentOrder = [];
        return new ParseResult(samples, types, errors, errorCount);
    }

    private string? ReadComment(ReadOnlySpan<char> line, Dictionary<string, MetricType> types)
    {
        // "# HELP" and "# TYPE" carry metadata; any other comment ("# UNIT", "# EOF", free text) is ignored.
        var isType = line.StartsWith("# TYPE ", StringComparison.Ordinal);
        if (!isType && !line.StartsWith("# HELP ", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = line[7..].TrimStart(' ');
        var nameEnd = 0;
        while (nameEnd < rest.Length && LabelBlock.IsNameChar(rest[nameEnd], nameEnd == 0, allowColon: true))
        {
            nameEnd++;
        }

        if (nameEnd == 0 || (nameEnd < rest.Length && rest[nameEnd] is not (' ' or '\t')))
        {
            return $"invalid metric name in {(isType ? "TYPE" : "HELP")} line";
        }

        if (!isType)
        {
            return null;
        }

        MetricType? type = TrimBlanks(rest[nameEnd..]) switch
        {
            "counter" => MetricType.Counter,
            "gauge" => MetricType.Gauge,
            "histogram" => MetricType.Histogram,
            "summary" => MetricType.Summary,
            "untyped" or "unknown" => MetricType.Untyped,
            _ => null,
        };
        if (type is null)
        {
            return "unknown metric type in TYPE line";
        }

        types[Table.Intern(rest[..nameEnd])] = type.Value;
        return null;
    }

    private string? ReadSample(ReadOnlySpan<char> line, List<Sample> samples)
    {
        var i = LabelBlock.MetricNameLength(line);
        if (i == 0)
        {
            return "expected a metric name";
        }

        var nameEnd = i;
        var seriesEnd = i;
        var j = SkipBlanks(line, i);
        if (j < line.Length && line[j] == '{')
        {
            seriesEnd = LabelBlock.FindEnd(line, j);
            if (seriesEnd < 0)
            {
                return "label block is not closed";
            }
        }

        var seriesText = line[..seriesEnd];
        var position = currentOrder.Count;
        Series? series = null;
        string? storedText = null;
        if (keep is not null && !keep(line[..nameEnd]))
        {
            // Not kept: the labels are still read, so a malformed line counts as an error whichever series it is.
            if (seriesEnd != nameEnd && LabelBlock.Read(line[j..seriesEnd], Table, out var skippedError) is null)
            {
                return skippedError;
            }
        }
        else if (position < previousOrder.Length && seriesText.SequenceEqual(previousOrder[position].Text))
        {
            (storedText, series) = previousOrder[position];
        }
        else if (!Table.TryGet(seriesText, out storedText, out series))
        {
            string? labelError = null;
            var labels = seriesEnd == nameEnd ? [] : LabelBlock.Read(line[j..seriesEnd], Table, out labelError);
            if (labels is null)
            {
                return labelError;
            }

            series = Table.Add(seriesText, Series.Create(Table.Intern(line[..nameEnd]), labels));
            storedText = seriesText.ToString();
        }

        var rest = line[seriesEnd..];
        var valueStart = SkipBlanks(rest, 0);
        if (valueStart == 0 && seriesEnd == nameEnd && !rest.IsEmpty)
        {
            return "expected a blank after the metric name";
        }

        rest = rest[valueStart..];
        var valueToken = NextToken(rest, out rest);
        if (valueToken.IsEmpty)
        {
            return "missing value";
        }

        if (!PromFloat.TryParse(valueToken, out var value))
        {
            return $"invalid value '{valueToken}'";
        }

        long? timestamp = null;
        var timestampToken = NextToken(rest, out rest);
        if (!timestampToken.IsEmpty && timestampToken[0] != '#')
        {
            if (!long.TryParse(timestampToken, System.Globalization.NumberStyles.AllowLeadingSign, null, out var ms))
            {
                return $"invalid timestamp '{timestampToken}'";
            }

            timestamp = ms;
            var extra = NextToken(rest, out _);
            if (!extra.IsEmpty && extra[0] != '#')
            {
                return "unexpected text after the timestamp";
            }
        }

        if (series is not null)
        {
            samples.Add(new Sample(series, value, timestamp));
            currentOrder.Add((storedText!, series));
        }

        return null;
    }

    private static ReadOnlySpan<char> NextToken(ReadOnlySpan<char> text, out ReadOnlySpan<char> rest)
    {
        var start = SkipBlanks(text, 0);
        var blank = text[start..].IndexOfAny(' ', '\t');
        var end = blank < 0 ? text.Length : start + blank;

        rest = text[end..];
        return text[start..end];
    }

    private static ReadOnlySpan<char> TrimBlanks(ReadOnlySpan<char> text)
    {
        text = text[SkipBlanks(text, 0)..];
        var end = text.Length;
        while (end > 0 && text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return text[..end];
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
