using Autotune.Agent.Data;
using Autotune.Agent.Metrics;
using Microsoft.Extensions.Logging;

namespace Autotune.Agent.Tuning;

/// <summary>
/// Polls the tuning file on a dedicated thread. Polling, because a mounted ConfigMap changes by swapping a symlink,
/// which file-change events do not reliably report; a dedicated thread, because the change that cures a starved
/// thread pool must not wait for that pool. Each distinct content is handled once: applied if valid, otherwise
/// logged and counted while the last good settings stay. The same thread disposes drained pool generations.
/// </summary>
internal sealed class TuningFileWatcher : IDisposable
{
    private readonly string? _path;
    private readonly TimeSpan _interval;
    private readonly TuningApplier _applier;
    private readonly TunedDataSource _dataSource;
    private readonly AgentMetrics _metrics;
    private readonly ILogger<TuningFileWatcher> _logger;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private long _rejected;
    private string? _lastContent;

    public TuningFileWatcher(AutotuneAgentOptions options, TuningApplier applier, TunedDataSource dataSource, AgentMetrics metrics, ILogger<TuningFileWatcher> logger)
    {
        _path = string.IsNullOrWhiteSpace(options.TuningFilePath) ? null : options.TuningFilePath;
        _interval = options.TuningFilePollInterval > TimeSpan.Zero ? options.TuningFilePollInterval : TimeSpan.FromSeconds(1);
        _applier = applier;
        _dataSource = dataSource;
        _metrics = metrics;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "autotune-tuning" };
    }

    /// <summary>Tuning files rejected so far.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Reads the file once now (at start-up, so the first requests already run tuned), then polls on the thread.</summary>
    public void Start()
    {
        if (_path is null)
        {
            _logger.LogInformation("No tuning file configured; running with the process's own settings");
        }
        else
        {
            PollOnce(_path);
        }

        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Set();
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }

        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.Wait(_interval))
        {
            if (_path is not null)
            {
                PollOnce(_path);
            }

            try
            {
                _dataSource.DisposeDrained();
            }
#pragma warning disable CA1031 // Disposing a drained pool must not stop the watcher.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "Disposing a drained pool generation failed");
            }
        }
    }

    private void PollOnce(string path)
    {
        try
        {
            Poll(path);
        }
#pragma warning disable CA1031 // The watcher must keep polling whatever one pass threw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Applying the tuning file failed; the next poll tries again");
            _lastContent = null;
        }
    }

    private void Poll(string path)
    {
        var read = TuningFileRead.From(path);
        if (read.Content == _lastContent)
        {
            return;
        }

        _lastContent = read.Content;
        if (read.File is { } file)
        {
            if (file != _applier.Current)
            {
                _applier.Apply(file);
            }

            return;
        }

        Interlocked.Increment(ref _rejected);
        _metrics.RecordRejectedTuningFile(read.RejectReason!);
        _logger.LogWarning(
            "Ignoring the tuning file ({Reason}): {Message}; keeping generation {Generation}",
            read.RejectReason, read.Message, _applier.Current?.Generation ?? 0);
    }
}
