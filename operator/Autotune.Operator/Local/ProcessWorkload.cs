using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Autotune.Contracts;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Local;

/// <summary>
/// Local mode given a command that starts the API: it runs each replica as its own process on its own loopback
/// address (127.0.0.11, .12, ...), so replica changes and the connections they open are real. The command's
/// arguments may use {address}, {port}, {metricsPort} and {index}; each process also gets ASPNETCORE_URLS,
/// AUTOTUNE_METRICS_ADDRESS, AUTOTUNE_METRICS_PORT and AUTOTUNE_TUNING_FILE. A replica that cannot be started,
/// exits while starting or does not serve its metrics in time is an <see cref="ApiStartException"/>.
/// </summary>
public sealed class ProcessWorkload(
    IReadOnlyList<string> command,
    IReadOnlyDictionary<string, string> environment,
    string tuningFile,
    int httpPort,
    int metricsPort,
    HttpClient http) : ITargetWorkload, IAsyncDisposable
{
    private const int FirstAddress = 11;
    private const int LastLineCount = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(2);
    private readonly List<ReplicaProcess> _replicas = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Base URLs of the running replicas, for a load generator to spread requests over.</summary>
    public IReadOnlyList<Uri> ApiUrls
    {
        get
        {
            lock (_replicas)
            {
                return _replicas.Select(r => r.ApiUrl).ToList();
            }
        }
    }

    /// <summary>Raised with the API base URLs after the replicas changed.</summary>
    public event Action<IReadOnlyList<Uri>>? ReplicasChanged;

    /// <inheritdoc />
    public Task<WorkloadState> ReadAsync(CancellationToken cancellationToken)
    {
        lock (_replicas)
        {
            var live = _replicas.Where(r => !r.Process.HasExited).ToList();
            var pods = live.Select(r => new PodEndpoint($"replica-{r.Index}@{r.Address}", r.MetricsUrl)).ToList();
            return Task.FromResult(new WorkloadState(_replicas.Count, live.Count, pods, CanScale: true, null));
        }
    }

    /// <inheritdoc />
    public async Task ScaleAsync(int replicas, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (Count < replicas)
            {
                var replica = Start(Count);
                lock (_replicas)
                {
                    _replicas.Add(replica);
                }

                await WaitReadyAsync(replica, cancellationToken);
                ReplicasChanged?.Invoke(ApiUrls);
            }

            while (Count > replicas)
            {
                ReplicaProcess last;
                lock (_replicas)
                {
                    last = _replicas[^1];
                    _replicas.RemoveAt(_replicas.Count - 1);
                }

                ReplicasChanged?.Invoke(ApiUrls);
                await last.StopAsync(StopGrace);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<ReplicaProcess> all;
        lock (_replicas)
        {
            all = [.. _replicas];
            _replicas.Clear();
        }

        await Task.WhenAll(all.Select(r => r.StopAsync(StopGrace)));
        _gate.Dispose();
    }

    private int Count
    {
        get
        {
            lock (_replicas)
            {
                return _replicas.Count;
            }
        }
    }

    private ReplicaProcess Start(int index)
    {
        var address = string.Create(CultureInfo.InvariantCulture, $"127.0.0.{FirstAddress + index}");
        string Expand(string argument) => argument
            .Replace("{address}", address, StringComparison.Ordinal)
            .Replace("{port}", httpPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{metricsPort}", metricsPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{index}", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var info = new ProcessStartInfo(Expand(command[0]))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(Expand(argument));
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["ASPNETCORE_URLS"] = string.Create(CultureInfo.InvariantCulture, $"http://{address}:{httpPort}");
        info.Environment[AgentEnvironment.MetricsAddress] = address;
        info.Environment[AgentEnvironment.MetricsPort] = metricsPort.ToString(CultureInfo.InvariantCulture);
        info.Environment[AgentEnvironment.TuningFile] = Path.GetFullPath(tuningFile);

        var output = new OutputTail();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new ApiStartException(ApiStartException.Display(command), $"could not be started: {ex.Message}", null, string.Empty, ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ReplicaProcess(index, address, httpPort, metricsPort, process, output);
    }

    private async Task WaitReadyAsync(ReplicaProcess replica, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        while (true)
        {
            if (replica.Process.HasExited)
            {
                await DrainOutputAsync(replica.Process, cancellationToken);
                var code = replica.Process.ExitCode;
                throw new ApiStartException(
                    ApiStartException.Display(command), $"exited with code {code} while starting replica {replica.Index}", code, LastLines(replica));
            }

            try
            {
                using var response = await http.GetAsync(replica.MetricsUrl, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ApiStartException(
                    ApiStartException.Display(command),
                    $"did not serve {replica.MetricsUrl} within {StartTimeout.TotalSeconds:0} s (replica {replica.Index})", null, LastLines(replica));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    /// <summary>The exit is seen before the end of the output: wait for it (briefly: a child may hold it open), so the last lines are all there.</summary>
    private static async Task DrainOutputAsync(Process process, CancellationToken cancellationToken)
    {
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(OutputDrain);
        try
        {
            await process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // What arrived is what there is.
        }
    }

    private static string LastLines(ReplicaProcess replica) => replica.Output.Last(LastLineCount, skipStackFrames: true);
}
