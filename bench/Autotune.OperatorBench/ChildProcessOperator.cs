using System.Diagnostics;
using System.Text.Json;

namespace Autotune.OperatorBench;

/// <summary>The controller in a child process (this program with <c>operator URL N</c>), its stats read from its stdout.</summary>
public sealed class ChildProcessOperator : IOperatorUnderTest
{
    private readonly Process _process;
    private readonly TaskCompletionSource<ProbeStats> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ProbeStats? _latest;

    private ChildProcessOperator(Process process) => _process = process;

    /// <inheritdoc />
    public string MemoryScope => "the operator's own process (the controller only; the API test server and capture server run in the benchmark's)";

    /// <inheritdoc />
    public ProbeStats? Latest => _latest;

    /// <summary>Starts this program as the operator against <paramref name="url"/>.</summary>
    public static ChildProcessOperator Start(string url, int expected, IReadOnlyDictionary<string, string>? environment = null)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChildProcessOperator).Assembly.Location);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        info.ArgumentList.Add("operator");
        info.ArgumentList.Add(url);
        info.ArgumentList.Add(expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(info) ?? throw new InvalidOperationException("the operator process did not start");
        var child = new ChildProcessOperator(process);
        _ = Task.Run(child.ReadAsync);
        return child;
    }

    /// <inheritdoc />
    public (long Rss, long Peak)? Memory() => _process.HasExited ? null : ProcMemory.Of(_process.Id);

    /// <inheritdoc />
    public async Task<ProbeStats> StopAsync()
    {
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
        _process.StandardInput.Close();
        var final = await _final.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync();
        return final;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith(OperatorSide.StatPrefix, StringComparison.Ordinal))
                {
                    _latest = JsonSerializer.Deserialize<ProbeStats>(line[OperatorSide.StatPrefix.Length..]);
                }
            }

            _final.TrySetResult(_latest ?? throw new InvalidOperationException("the operator process reported nothing"));
        }
        catch (Exception ex)
        {
            _final.TrySetException(ex);
        }
    }
}
