using System.Text;

namespace Autotune.Operator.Tests.LocalMode;

/// <summary>A console stand-in that keeps every line local mode prints and lets a test await one.</summary>
internal sealed class LineWatcher : TextWriter
{
    private readonly List<string> _lines = [];
    private readonly StringBuilder _current = new();
    private TaskCompletionSource _changed = NewSignal();

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public override void Write(char value)
    {
        lock (_lines)
        {
            if (value == '\n')
            {
                _lines.Add(_current.ToString().TrimEnd('\r'));
                _current.Clear();
                var changed = _changed;
                _changed = NewSignal();
                changed.TrySetResult();
            }
            else
            {
                _current.Append(value);
            }
        }
    }

    /// <summary>Waits for the first line (old or new) matching <paramref name="match"/>; fails with every line seen on timeout.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_lines)
            {
                var found = _lines.FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no line showed {what} within {timeout.TotalSeconds:0} s; local mode printed:{Environment.NewLine}{string.Join(Environment.NewLine, Lines)}");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
