using Autotune.Agent.Data;
using Autotune.Agent.Metrics;
using Microsoft.Extensions.Logging;

namespace Autotune.Agent.Tuning;

/// <summary>
/// Polls the tuning file on a dedicated thread. Polling, because a mounted ConfigMap changes by swapping a symlink,
/// which file-change events do not reliably report; a dedicated thread, because the change that cures a starved
/// thread pool must not wait for that pool. Each distinct content is handled once: applied if valid, otherwise
/// logged and counted while the last good settings stay. A file whose applying throws is tried again at every poll,
/// each failed attempt counted in <c>autotune_tuning_apply_failures_total</c>, but logged only when the failure
/// differs from the one before and once when it recovers. The same thread disposes drained pool generations.
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
    private readonly FailureStreak _applyFailures = new();
    private readonly FailureStreak _disposeFailures = new();
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
                _disposeFailures.Succeed();
            }
#pragma warning disable CA1031 // Disposing a drained pool must not stop the watcher.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (_disposeFailures.Fail(ex))
                {
                    _logger.LogError(ex, "Disposing a drained pool generation failed; retrying at every poll, logging again only if the failure changes");
                }
            }
        }
    }

    private void PollOnce(string path)
    {
        try
        {
            Poll(path);
            if (_applyFailures.Succeed() is > 0 and var failures)
            {
                _logger.LogInformation(
                    "The tuning file applies again after {Failures} failed attempts; generation {Generation} in force",
                    failures, _applier.Current?.Generation ?? 0);
            }
        }
#pragma warning disable CA1031 // The watcher must keep polling whatever one pass threw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _metrics.RecordTuningApplyFailure();
            if (_applyFailures.Fail(ex))
            {
                _logger.LogError(
                    ex, "Applying the tuning file failed; retrying at every poll ({Interval}), logging again only if the failure changes; generation {Generation} stays",
                    _interval, _applier.Current?.Generation ?? 0);
            }

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
