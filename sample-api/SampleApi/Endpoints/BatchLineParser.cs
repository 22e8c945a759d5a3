using System.Buffers;
using System.Text.Json;
using SampleApi.Data;
using SampleApi.Json;

namespace SampleApi.Endpoints;

/// <summary>Splits a streamed NDJSON body into lines and parses one user per line.</summary>
internal static class BatchLineParser
{
    /// <summary>Longest line accepted; a longer one is a malformed row, not a reason to buffer.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>Takes the next complete line off <paramref name="buffer"/>.</summary>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    /// <summary>True for a line holding only whitespace (skipped, but still counted as a row number).</summary>
    public static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses and validates one line; returns the problem, or null with the user.</summary>
    public static string? Parse(ReadOnlySequence<byte> line, out UserInput? user)
    {
        user = null;
        if (line.Length > MaxLineBytes)
        {
            return $"the line is longer than {MaxLineBytes} bytes";
        }

        try
        {
            var reader = new Utf8JsonReader(line);
            user = JsonSerializer.Deserialize(ref reader, AppJsonContext.Default.UserInput);
        }
        catch (JsonException ex)
        {
            return $"malformed JSON at position {ex.BytePositionInLine + 1}";
        }

        var errors = UserValidation.Check(user);
        return errors.Count == 0 ? null : string.Join("; ", errors.Values.SelectMany(v => v));
    }
}
