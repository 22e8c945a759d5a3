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
        var process = Process.Start(StartInfo(["operator", url, expected.ToString(System.Globalization.CultureInfo.InvariantCulture)], environment))
            ?? throw new InvalidOperationException("the operator process did not start");
        var child = new ChildProcessOperator(process);
        _ = Task.Run(child.ReadAsync);
        return child;
    }

    /// <summary>
    /// How to start this program in a child process with <paramref name="arguments"/>, on the operator's own
    /// runtimeconfig.json and its image's environment (plus <paramref name="environment"/>), stdin and stdout redirected.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);

        // The operator's own runtimeconfig.json (copied beside this program from the operator project), so the
        // operator runs with the GC and JIT settings its image ships, not this program's.
        var assembly = typeof(ChildProcessOperator).Assembly.Location;
        var runtimeConfig = Path.Combine(AppContext.BaseDirectory, "autotune.runtimeconfig.json");
        if (!File.Exists(runtimeConfig))
        {
            throw new FileNotFoundException("the operator's runtimeconfig.json is not beside the benchmark", runtimeConfig);
        }

        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add("--runtimeconfig");
        info.ArgumentList.Add(runtimeConfig);
        info.ArgumentList.Add(assembly);
        foreach (var (key, value) in ImageEnvironment().Concat(environment ?? new Dictionary<string, string>()))
        {
            info.Environment[key] = value;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>
    /// The operator image's own environment: the <c>ENV KEY=VALUE</c> lines of operator/Dockerfile (copied beside this
    /// program), so the operator here runs as it does in its image; <c>--operator-env</c> adds to them or overrides them.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ImageEnvironment()
    {
        var dockerfile = Path.Combine(AppContext.BaseDirectory, "image", "Dockerfile");
        return
        [
            .. File.ReadLines(dockerfile)
                .Select(l => l.Trim())
                .Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
                .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(pair => pair.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .Select(pair => KeyValuePair.Create(pair[0], pair[1])),
        ];
    }

    /// <summary>The dotnet host that runs this program (the muxer beside the shared runtime it runs on).</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
        var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
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
