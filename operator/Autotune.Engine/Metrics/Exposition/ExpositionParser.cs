using System.Buffers;
using System.Text;

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

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private int lastSampleCount = 64;

    // Exporters write the same series in the same order every scrape: the text of the previous scrape's k-th sample is
    // compared first (a vectorised memory compare), and only on a mismatch is the table hashed. Between scrapes only the
    // previous order is kept, at its exact size (a parser per scrape loop, and a process may run a thousand); a scrape
    // in the same order as the previous one allocates no new order.
    private (string Text, Series Series)[] previousOrder = [];
    private int orderCount;
    private List<(string Text, Series Series)>? divergedOrder;

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
        var run = new Run(new List<Sample>(lastSampleCount), null, new Dictionary<string, MetricType>(StringComparer.Ordinal), []);
        ParseText(text, ref run);
        return new ParseResult(run.Samples!, run.Types!, run.Errors!, run.ErrorCount);
    }

    /// <summary>
    /// Parses one scrape's UTF-8 bytes (as an HTTP response delivered them, in one buffer or several) exactly as
    /// <see cref="Parse(ReadOnlySpan{char})"/> parses their decoded text: a leading byte order mark is skipped, invalid
    /// sequences read as U+FFFD, and lines may be cut anywhere between buffers. Each line is decoded into a pooled
    /// buffer, so the text is never materialised.
    /// </summary>
    public ParseResult Parse(ReadOnlySequence<byte> utf8)
    {
        var run = new Run(new List<Sample>(lastSampleCount), null, new Dictionary<string, MetricType>(StringComparer.Ordinal), []);
        ParseUtf8(utf8, ref run);
        return new ParseResult(run.Samples!, run.Types!, run.Errors!, run.ErrorCount);
    }

    /// <summary>
    /// Parses UTF-8 bytes into <paramref name="samples"/> only: no sample list, no <c># TYPE</c> dictionary, no error
    /// texts (the window's path); returns the number of unreadable lines.
    /// </summary>
    internal int ParseInto(ReadOnlySequence<byte> utf8, SampleBuffer samples)
    {
        var run = new Run(null, samples, null, null);
        ParseUtf8(utf8, ref run);
        return run.ErrorCount;
    }

    /// <summary>Like <see cref="ParseInto(ReadOnlySequence{byte}, SampleBuffer)"/>, from text.</summary>
    internal int ParseInto(ReadOnlySpan<char> text, SampleBuffer samples)
    {
        var run = new Run(null, samples, null, null);
        ParseText(text, ref run);
        return run.ErrorCount;
    }

    private void ParseText(ReadOnlySpan<char> text, ref Run run)
    {
        BeginText();
        var lineNumber = 0;
        while (!text.IsEmpty)
        {
            var newline = text.IndexOf('\n');
            var line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? [] : text[(newline + 1)..];
            ReadLine(line, ++lineNumber, ref run);
        }

        EndText(run.Count);
    }

    private void ParseUtf8(ReadOnlySequence<byte> utf8, ref Run run)
    {
        BeginText();
        var reader = new SequenceReader<byte>(utf8);
        reader.IsNext(Utf8Bom, advancePast: true);
        char[] chars = ArrayPool<char>.Shared.Rent(1024);
        byte[]? joined = null;
        try
        {
            var lineNumber = 0;
            while (!reader.End)
            {
                if (!reader.TryReadTo(out ReadOnlySequence<byte> lineBytes, (byte)'\n'))
                {
                    lineBytes = reader.UnreadSequence;
                    reader.AdvanceToEnd();
                }

                ReadOnlySpan<byte> bytes;
                if (lineBytes.IsSingleSegment)
                {
                    bytes = lineBytes.FirstSpan;
                }
                else
                {
                    // A line cut between two buffers: joined in a pooled buffer of its own.
                    var length = checked((int)lineBytes.Length);
                    if (joined is null || joined.Length < length)
                    {
                        if (joined is not null)
                        {
                            ArrayPool<byte>.Shared.Return(joined);
                        }

                        joined = ArrayPool<byte>.Shared.Rent(length);
                    }

                    lineBytes.CopyTo(joined);
                    bytes = joined.AsSpan(0, length);
                }

                // UTF-8 never writes more UTF-16 units than bytes, and '\n' never occurs inside a multi-byte sequence,
                // so each line decodes on its own exactly as it would within the whole text.
                if (chars.Length < bytes.Length)
                {
                    ArrayPool<char>.Shared.Return(chars);
                    chars = ArrayPool<char>.Shared.Rent(bytes.Length);
                }

                var count = Encoding.UTF8.GetChars(bytes, chars);
                ReadLine(chars.AsSpan(0, count), ++lineNumber, ref run);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            if (joined is not null)
            {
                ArrayPool<byte>.Shared.Return(joined);
            }
        }

        EndText(run.Count);
    }

    private void BeginText()
    {
        orderCount = 0;
        divergedOrder = null;
    }

    private void EndText(int sampleCount)
    {
        lastSampleCount = Math.Max(16, sampleCount);
        if (divergedOrder is not null)
        {
            previousOrder = [.. divergedOrder];
        }
        else if (orderCount < previousOrder.Length)
        {
            previousOrder = previousOrder[..orderCount];
        }

        divergedOrder = null;
    }

    private void ReadLine(ReadOnlySpan<char> line, int lineNumber, ref Run run)
    {
        line = line.TrimEnd('\r');
        line = line[SkipBlanks(line, 0)..];
        if (line.IsEmpty)
        {
            return;
        }

        var error = line[0] == '#' ? ReadComment(line, run.Types) : ReadSample(line, ref run);
        if (error is not null)
        {
            run.ErrorCount++;
            if (run.Errors is { Count: < MaxErrors } errors)
            {
                var shown = line.Length > 120 ? line[..120] : line;
                errors.Add(new ParseError(lineNumber, error, shown.ToString()));
            }
        }
    }

    private void Remember(string text, Series series)
    {
        var position = orderCount++;
        if (divergedOrder is null)
        {
            if (position < previousOrder.Length && ReferenceEquals(previousOrder[position].Series, series) &&
                string.Equals(previousOrder[position].Text, text, StringComparison.Ordinal))
            {
                return;
            }

            divergedOrder = new List<(string Text, Series Series)>(Math.Max(previousOrder.Length, position + 1));
            divergedOrder.AddRange(previousOrder.AsSpan(0, position));
        }

        divergedOrder.Add((text, series));
    }

    private string? ReadComment(ReadOnlySpan<char> line, Dictionary<string, MetricType>? types)
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

        var name = Table.Intern(rest[..nameEnd]);
        if (types is not null)
        {
            types[name] = type.Value;
        }

        return null;
    }

    private string? ReadSample(ReadOnlySpan<char> line, ref Run run)
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
        var position = orderCount;
        Series? series = null;
        string? storedText = null;
        if (keep is not null && !keep(line[..nameEnd]))
        {
            // Not kept: the labels are still read, so a malformed line counts as an error whichever series it is.
            if (seriesEnd != nameEnd && !LabelBlock.IsValid(line[j..seriesEnd]) &&
                LabelBlock.Read(line[j..seriesEnd], Table, out var skippedError) is null)
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
            run.Add(series, value, timestamp);
            Remember(storedText!, series);
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

    // What one parse collects: every sample (the full parse) or the kept values only (the window's).
    private struct Run(List<Sample>? samples, SampleBuffer? buffer, Dictionary<string, MetricType>? types, List<ParseError>? errors)
    {
        public readonly List<Sample>? Samples = samples;
        public readonly Dictionary<string, MetricType>? Types = types;
        public readonly List<ParseError>? Errors = errors;
        public int ErrorCount;

        public readonly int Count => Samples?.Count ?? buffer!.Count;

        public readonly void Add(Series series, double value, long? timestamp)
        {
            if (Samples is not null)
            {
                Samples.Add(new Sample(series, value, timestamp));
            }
            else
            {
                buffer!.Add(series, value);
            }
        }
    }
}
