using System.Buffers;

namespace Autotune.Operator.Ports;

/// <summary>
/// The bytes of one scrape's response, read into buffers rented from the shared pool (a 48 KB exposition spans a few
/// of them), so a scrape allocates neither its text nor a buffer of its own: parse <see cref="Bytes"/>, then dispose
/// to give the buffers back. A body never disposed is simply collected.
/// </summary>
public sealed class ScrapeBody : IDisposable
{
    /// <summary>Size of each pooled buffer.</summary>
    public const int ChunkSize = 16 * 1024;

    private List<byte[]>? _chunks;
    private readonly int _lastLength;

    private ScrapeBody(List<byte[]> chunks, int lastLength)
    {
        _chunks = chunks;
        _lastLength = lastLength;
        Length = ((long)(chunks.Count - 1) * ChunkSize) + lastLength;
    }

    /// <summary>Bytes read.</summary>
    public long Length { get; }

    /// <summary>The bytes, one segment per pooled buffer.</summary>
    public ReadOnlySequence<byte> Bytes
    {
        get
        {
            var chunks = _chunks ?? throw new ObjectDisposedException(nameof(ScrapeBody));
            if (chunks.Count == 1)
            {
                return new ReadOnlySequence<byte>(chunks[0], 0, _lastLength);
            }

            var first = new Segment(chunks[0].AsMemory(0, ChunkSize), 0);
            var last = first;
            for (var i = 1; i < chunks.Count; i++)
            {
                last = last.Append(chunks[i].AsMemory(0, i == chunks.Count - 1 ? _lastLength : ChunkSize));
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }

    /// <summary>Reads <paramref name="stream"/> to its end (at most <paramref name="maxBytes"/>; more is an <see cref="InvalidDataException"/>).</summary>
    public static async Task<ScrapeBody> ReadAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var chunks = new List<byte[]>(4) { ArrayPool<byte>.Shared.Rent(ChunkSize) };
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == ChunkSize)
                {
                    if ((long)chunks.Count * ChunkSize >= maxBytes)
                    {
                        // At the limit: only a response that goes on is too large.
                        if (await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0)
                        {
                            throw new InvalidDataException($"the response is larger than {maxBytes} bytes");
                        }

                        break;
                    }

                    chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                    filled = 0;
                }

                var read = await stream.ReadAsync(chunks[^1].AsMemory(filled, ChunkSize - filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            if (((long)(chunks.Count - 1) * ChunkSize) + filled > maxBytes)
            {
                throw new InvalidDataException($"the response is larger than {maxBytes} bytes");
            }

            return new ScrapeBody(chunks, filled);
        }
        catch
        {
            Return(chunks);
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _chunks, null) is { } chunks)
        {
            Return(chunks);
        }
    }

    private static void Return(List<byte[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
