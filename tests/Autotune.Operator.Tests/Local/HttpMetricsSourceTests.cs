using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Autotune.Contracts;
using Autotune.Engine.Metrics.Windows;
using Autotune.Operator.Local;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using Xunit;

namespace Autotune.Operator.Tests.Local;

/// <summary>A scrape's response read as bytes into pooled buffers and parsed from them.</summary>
public sealed class HttpMetricsSourceTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Over three pooled buffers, with UTF-8 in label values and escapes, so lines and characters are cut between them.
    private static readonly string Exposition = string.Concat(Enumerable.Range(0, 400).Select(i =>
        $"{MetricNames.RequestDuration.Bucket}{{http_route=\"/grüße/東京/{i}\",error=\"a\\\"b\\\\c\\n\",le=\"+Inf\"}} {i}\n" +
        $"target_info{{service_name=\"🚀{i}\"}} 1\n")) + $"{MetricNames.ThreadPoolQueueLength.Prometheus} 3";

    [Fact]
    public async Task A_body_read_a_few_bytes_at_a_time_holds_every_byte_across_pooled_buffers()
    {
        var bytes = Encoding.UTF8.GetBytes(Exposition);
        Assert.True(bytes.Length > 2 * ScrapeBody.ChunkSize, "the exposition spans several buffers");

        var body = await ScrapeBody.ReadAsync(new TrickleStream(bytes, maxRead: 7), long.MaxValue, Ct);

        Assert.Equal(bytes.Length, body.Length);
        Assert.False(body.Bytes.IsSingleSegment);
        Assert.Equal(bytes, body.Bytes.ToArray());
        body.Dispose();
        body.Dispose();
        Assert.Throws<ObjectDisposedException>(() => body.Bytes);
    }

    [Fact]
    public async Task A_body_larger_than_the_limit_is_refused()
    {
        var bytes = new byte[(3 * ScrapeBody.ChunkSize) + 1];

        await Assert.ThrowsAsync<InvalidDataException>(() => ScrapeBody.ReadAsync(new MemoryStream(bytes), 3 * ScrapeBody.ChunkSize, Ct));
        using var exact = await ScrapeBody.ReadAsync(new MemoryStream(bytes[1..]), 3 * ScrapeBody.ChunkSize, Ct);
        Assert.Equal(3 * ScrapeBody.ChunkSize, exact.Length);
    }

    [Fact]
    public async Task A_scrape_parsed_from_its_bytes_equals_one_parsed_from_its_text()
    {
        var source = Source(new StreamContent(new TrickleStream(Encoding.UTF8.GetBytes(Exposition), maxRead: 1000)), "utf-8");

        var scrape = Assert.Single(await source.ScrapeAsync(Ct));

        Assert.True(scrape.Succeeded);
        Assert.Null(scrape.Text);
        Assert.NotNull(scrape.Body);
        var fromBytes = new WindowCollector(source, TimeProvider.System).ToScrape(scrape);
        var fromText = new WindowCollector(source, TimeProvider.System).ToScrape(scrape with { Text = Exposition, Body = null });
        Assert.Throws<ObjectDisposedException>(() => scrape.Body.Bytes); // the collector gave the buffers back
        Assert.Equal(ScrapeOutcome.Succeeded, fromBytes.Outcome);
        Assert.Equal(0, fromBytes.ParseErrors);
        Assert.Equal(401, fromBytes.Samples.Count);
        Assert.Equal(fromText.Samples.Select(s => (s.Series.Key, s.Value)), fromBytes.Samples.Select(s => (s.Series.Key, s.Value)));
        Assert.Equal("/grüße/東京/399", fromBytes.Samples[399].Series.Get("http_route"));
        Assert.Equal("a\"b\\c\n", fromBytes.Samples[0].Series.Get("error"));
    }

    [Fact]
    public async Task A_body_in_another_charset_is_decoded_as_it_says()
    {
        var latin1 = Encoding.Latin1.GetBytes($"{MetricNames.ThreadPoolQueueLength.Prometheus}{{route=\"/grüße\"}} 3\n");
        var source = Source(new ByteArrayContent(latin1), "iso-8859-1");

        var scrape = Assert.Single(await source.ScrapeAsync(Ct));

        Assert.Null(scrape.Body);
        var parsed = new WindowCollector(source, TimeProvider.System).ToScrape(scrape);
        Assert.Equal("/grüße", Assert.Single(parsed.Samples).Series.Get("route"));
    }

    [Fact]
    public async Task A_response_that_breaks_off_is_a_failed_scrape_naming_the_pod_address()
    {
        var source = Source(new StreamContent(new TrickleStream(Encoding.UTF8.GetBytes(Exposition), maxRead: 500, failAfter: 4000)), "utf-8");

        var scrape = Assert.Single(await source.ScrapeAsync(Ct));

        Assert.False(scrape.Succeeded);
        Assert.False(scrape.TimedOut);
        Assert.Contains("http://pod-a:9464/metrics", scrape.Error, StringComparison.Ordinal);
    }

    private static HttpMetricsSource Source(HttpContent content, string charset)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = charset };
        var http = new HttpClient(new OneAnswer(content));
        IReadOnlyList<PodEndpoint> pods = [new PodEndpoint("pod-a", new Uri("http://pod-a:9464/metrics"))];
        return new HttpMetricsSource(http, _ => Task.FromResult(pods), TimeSpan.FromSeconds(30), TimeProvider.System);
    }

    private sealed class OneAnswer(HttpContent content) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }

    // Hands out at most maxRead bytes per read, as a network stream may; breaks off after failAfter bytes when set.
    private sealed class TrickleStream(byte[] bytes, int maxRead, int failAfter = int.MaxValue) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (position >= failAfter)
            {
                throw new IOException("the connection was reset");
            }

            var count = Math.Min(Math.Min(maxRead, buffer.Length), bytes.Length - position);
            bytes.AsSpan(position, count).CopyTo(buffer);
            position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
