using System.Buffers;
using System.Text;
using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>Parsing a scrape from its response bytes, in one buffer or cut across several, against parsing its text.</summary>
public sealed class ExpositionBytesTests
{
    // UTF-8 of two, three and four bytes in label values, every escape, CRLF, blanks, comments, timestamps and bad lines.
    private const string Mixed =
        "# HELP http_server_request_duration_seconds Duration, with ü.\n" +
        "# TYPE http_server_request_duration_seconds histogram\n" +
        "http_server_request_duration_seconds_bucket{http_route=\"/grüße/東京\",le=\"0.005\"} 3 1700000000000\r\n" +
        "http_server_request_duration_seconds_bucket{http_route=\"/🚀\",le=\"+Inf\"} 7\n" +
        "   \n" +
        "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n" +
        "dotnet_process_cpu_count 2\n" +
        "broken{a=\"ä\" 1\n" +
        "bad_escape{a=\"\\q\"} 1\n" +
        "# TYPE odd nonsense\n" +
        "dup{a=\"1\",a=\"2\"} 1\n" +
        "dotnet_process_cpu_count{} two\n" +
        "last_line_without_newline{x=\"ö\"} 4";

    [Fact]
    public void Bytes_cut_at_every_position_parse_as_the_text_does()
    {
        var expected = Describe(new ExpositionParser().Parse(Mixed));
        var bytes = Encoding.UTF8.GetBytes(Mixed);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var parsed = new ExpositionParser().Parse(Sequence(bytes[..cut], bytes[cut..]));

            Assert.Equal(expected, Describe(parsed));
        }
    }

    [Fact]
    public void Bytes_in_many_small_buffers_parse_as_the_text_does_scrape_after_scrape()
    {
        var random = new Random(20261127);
        var fixture = Fixture.Read("otel-sample-api.prom");
        string[] texts = [fixture, Mixed, fixture, fixture.Replace("dotnet_process_cpu_count", "moved_away", StringComparison.Ordinal), fixture + Mixed, fixture];
        var fromText = new ExpositionParser();
        var fromBytes = new ExpositionParser();
        for (var round = 0; round < 30; round++)
        {
            var text = texts[round % texts.Length];

            var parsed = fromBytes.Parse(Sequence(Split(Encoding.UTF8.GetBytes(text), random, maxPiece: random.Next(1, 5000))));

            Assert.Equal(Describe(fromText.Parse(text)), Describe(parsed));
        }
    }

    [Fact]
    public void A_character_cut_between_buffers_reads_whole()
    {
        const string text = "m{v=\"東🚀\"} 1\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var east = Array.IndexOf(bytes, (byte)0xE6);
        Assert.True(east > 0, "the label value starts with a three-byte character");

        var parsed = new ExpositionParser().Parse(Sequence(bytes[..(east + 1)], bytes[(east + 1)..(east + 5)], bytes[(east + 5)..]));

        Assert.True(parsed.IsClean, string.Join("; ", parsed.Errors));
        Assert.Equal("東🚀", Assert.Single(parsed.Samples).Series.Get("v"));
    }

    [Fact]
    public void A_malformed_line_cut_between_buffers_is_named_by_its_number_and_text()
    {
        const string text = "a 1\nb 2\nlatency{route=\"/orders\",le=\"0.5\" 12\nc 3\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var middle = text.IndexOf("orders", StringComparison.Ordinal);

        var parsed = new ExpositionParser().Parse(Sequence(bytes[..middle], bytes[middle..]));

        var error = Assert.Single(parsed.Errors);
        Assert.Equal(3, error.Line);
        Assert.Equal("label block is not closed", error.Message);
        Assert.Equal("latency{route=\"/orders\",le=\"0.5\" 12", error.Text);
        Assert.Equal([1.0, 2.0, 3.0], parsed.Samples.Select(s => s.Value));
    }

    [Fact]
    public void A_line_longer_than_any_buffer_reads_whole()
    {
        var value = string.Concat(Enumerable.Repeat("ab\\\"cdé", 2000));
        var text = $"long{{v=\"{value}\"}} 5\nshort 6\n";

        var parsed = new ExpositionParser().Parse(Sequence(Split(Encoding.UTF8.GetBytes(text), new Random(3), maxPiece: 700)));

        Assert.True(parsed.IsClean, string.Join("; ", parsed.Errors));
        Assert.Equal(value.Replace("\\\"", "\"", StringComparison.Ordinal), parsed.Samples[0].Series.Get("v"));
        Assert.Equal(6, parsed.Samples[1].Value);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped_and_invalid_bytes_read_as_replacement_characters()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        byte[] invalid = [.. Encoding.UTF8.GetBytes("m{v=\"a"), 0xC3, .. Encoding.UTF8.GetBytes("\"} 1\nn{v=\""), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"} 2\n")];

        var parsed = new ExpositionParser().Parse(Sequence(bom, invalid[..7], invalid[7..]));

        Assert.True(parsed.IsClean, string.Join("; ", parsed.Errors));
        Assert.Equal(Describe(new ExpositionParser().Parse(Encoding.UTF8.GetString(invalid))), Describe(parsed));
        Assert.Equal("a\uFFFD", parsed.Samples[0].Series.Get("v"));
        Assert.Equal("m", parsed.Samples[0].Series.Name);
    }

    [Fact]
    public void Empty_bytes_hold_nothing()
    {
        var parsed = new ExpositionParser().Parse(ReadOnlySequence<byte>.Empty);

        Assert.Empty(parsed.Samples);
        Assert.True(parsed.IsClean);
    }

    [Fact]
    public void The_window_parser_reads_bytes_as_it_reads_text()
    {
        var random = new Random(11);
        var text = Fixture.Read("otel-sample-api.prom") + Mixed + "\n" + MetricNames.ActiveRequests.Prometheus + "{i=\"x\"} 0.25\n";
        var fromText = new WindowScrapeParser();
        var fromBytes = new WindowScrapeParser();
        for (var round = 0; round < 5; round++)
        {
            var expected = fromText.Parse("pod-a", PodState.T0, 5, text);

            var parsed = fromBytes.Parse("pod-a", PodState.T0, 5, Sequence(Split(Encoding.UTF8.GetBytes(text), random, maxPiece: 16 * 1024)));

            Assert.Equal(expected.ParseErrors, parsed.ParseErrors);
            Assert.True(parsed.ParseErrors >= 5, "the mixed lines' errors are counted");
            Assert.Equal(expected.Samples.Select(s => (s.Series.Key, s.Value)), parsed.Samples.Select(s => (s.Series.Key, s.Value)));
            Assert.Contains(parsed.Samples, s => s.Value == 0.25);
        }
    }

    [Theory]
    [InlineData("{a=\"1\",a=\"2\"}")]
    [InlineData("{a=\"\\q\"}")]
    [InlineData("{a=\"x}")]
    [InlineData("{a=\"x\"b=\"y\"}")]
    [InlineData("{1a=\"x\"}")]
    [InlineData("{a \"x\"}")]
    [InlineData("{a=x}")]
    [InlineData("{a=\"x\\\"}")]
    public void Unkept_series_with_malformed_labels_count_as_errors_with_the_full_parser_message(string block)
    {
        var text = $"unread{block} 1\nkept{block} 1\n";
        var full = new ExpositionParser().Parse(text);
        var filtered = new ExpositionParser(keep: name => name.SequenceEqual("kept")).Parse(Encoding.UTF8.GetBytes(text).AsSequence());

        Assert.Equal(2, full.ErrorCount);
        Assert.Equal(full.Errors.Select(e => e.Message), filtered.Errors.Select(e => e.Message));
        Assert.Empty(filtered.Samples);
    }

    [Fact]
    public void Unkept_series_are_checked_as_strictly_as_kept_ones()
    {
        var random = new Random(5);
        var pieces = new[] { "a", "b", "_x", "1", "=", "\"", "\\", "\\\\", "\\n", "\\\"", "\\q", ",", " ", "}", "ü", "le", "\"v\"" };
        for (var trial = 0; trial < 5000; trial++)
        {
            var body = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            var many = random.Next(4) == 0 ? string.Concat(Enumerable.Range(0, 20).Select(k => $"l{k}=\"{k}\",")) : "";
            var text = $"unread{{{many}{body}}} 1\n";
            var full = new ExpositionParser().Parse(text);

            var filtered = new ExpositionParser(keep: _ => false).Parse(text);

            Assert.Equal(full.Errors.Select(e => e.Message), filtered.Errors.Select(e => e.Message));
        }
    }

    private static List<string> Describe(ParseResult result) =>
    [
        .. result.Samples.Select(s => $"{s.Series.Key} {PromFloat.Format(s.Value)} {s.TimestampMs}"),
        .. result.Types.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"type {t.Key} {t.Value}"),
        .. result.Errors.Select(e => $"error {e.Line}: {e.Message} [{e.Text}]"),
        $"errors {result.ErrorCount}",
    ];

    private static byte[][] Split(byte[] bytes, Random random, int maxPiece)
    {
        var pieces = new List<byte[]>();
        for (var i = 0; i < bytes.Length;)
        {
            var length = Math.Min(bytes.Length - i, random.Next(1, maxPiece + 1));
            pieces.Add(bytes[i..(i + length)]);
            i += length;
        }

        return [.. pieces];
    }

    private static ReadOnlySequence<byte> Sequence(params byte[][] pieces)
    {
        var first = new Piece(pieces.Length == 0 ? [] : pieces[0], 0);
        var last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Piece : ReadOnlySequenceSegment<byte>
    {
        public Piece(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Piece Append(byte[] bytes)
        {
            var next = new Piece(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

internal static class ByteSequences
{
    public static ReadOnlySequence<byte> AsSequence(this byte[] bytes) => new(bytes);
}
