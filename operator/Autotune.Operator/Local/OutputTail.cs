namespace Autotune.Operator.Local;

/// <summary>The last lines a child process wrote (stdout and stderr interleaved), bounded, for error messages.</summary>
public sealed class OutputTail
{
    private const int MaxLineLength = 400;
    private readonly Queue<string> _lines = new();
    private readonly int _capacity;

    /// <summary>Keeps up to <paramref name="capacity"/> lines; older ones are dropped.</summary>
    public OutputTail(int capacity = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Adds one line (null, the end of a stream, is ignored); a very long line is cut.</summary>
    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            if (_lines.Count == _capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line.Length <= MaxLineLength ? line : line[..MaxLineLength] + "...");
        }
    }

    /// <summary>
    /// The last <paramref name="count"/> non-blank lines, joined with " | " so that they fit one log line; empty when
    /// there were none. With <paramref name="skipStackFrames"/>, .NET stack-trace lines (<c>at ...</c>,
    /// <c>--- End of ...</c>) are left out, so the lines kept are the messages that say what went wrong.
    /// </summary>
    public string Last(int count, bool skipStackFrames = false)
    {
        lock (_lines)
        {
            var lines = _lines
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !(skipStackFrames && IsStackFrame(l)))
                .ToList();
            return string.Join(" | ", lines.Skip(Math.Max(0, lines.Count - count)));
        }
    }

    private static bool IsStackFrame(string line) =>
        line.StartsWith("at ", StringComparison.Ordinal) || line.StartsWith("--- End of", StringComparison.Ordinal);

    /// <summary>Every line kept, one per line.</summary>
    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }
}
