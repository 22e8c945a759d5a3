using Autotune.Agent.Data;
using Autotune.Agent.Metrics;
using Autotune.Agent.Shedding;
using Autotune.Contracts;
using Microsoft.Extensions.Logging;

namespace Autotune.Agent.Tuning;

/// <summary>Applies a tuning file to the running process: thread-pool minimum worker threads, the pool size and the shedding deadline.</summary>
internal sealed class TuningApplier
{
    private readonly TunedDataSource _dataSource;
    private readonly ShedDeadline _shedDeadline;
    private readonly AgentMetrics _metrics;
    private readonly ILogger<TuningApplier> _logger;
    private readonly int _defaultMinWorkerThreads;
    private TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TuningFile? _current;

    public TuningApplier(TunedDataSource dataSource, ShedDeadline shedDeadline, AgentMetrics metrics, ILogger<TuningApplier> logger)
    {
        _dataSource = dataSource;
        _shedDeadline = shedDeadline;
        _metrics = metrics;
        _logger = logger;
        ThreadPool.GetMinThreads(out _defaultMinWorkerThreads, out _);
    }

    /// <summary>The file now applied, or null.</summary>
    public TuningFile? Current => Volatile.Read(ref _current);

    /// <summary>Applies <paramref name="file"/>; a knob the file leaves out returns to the process's own default.</summary>
    public void Apply(TuningFile file)
    {
        var minThreads = file.ThreadPoolMinThreads ?? _defaultMinWorkerThreads;
        ThreadPool.GetMinThreads(out var currentWorkers, out var ioThreads);
        if (minThreads != currentWorkers)
        {
            // IO completion threads keep their minimum: the knob is worker threads, where blocking code starves.
            if (ThreadPool.SetMinThreads(minThreads, ioThreads))
            {
                _logger.LogInformation("Thread-pool minimum worker threads {From} -> {To} (generation {Generation})", currentWorkers, minThreads, file.Generation);
            }
            else
            {
                _logger.LogError("The runtime refused minimum worker threads {To} (generation {Generation}); keeping {From}", minThreads, file.Generation, currentWorkers);
            }
        }

        _dataSource.Resize(file.DbMaxPoolSize ?? _dataSource.ConfiguredPoolSize);
        var shedBefore = _shedDeadline.Current;
        var shedAfter = _shedDeadline.Apply(file.ShedAfterMilliseconds);
        if (shedAfter != shedBefore)
        {
            _logger.LogInformation(
                "Shedding deadline {From} ms -> {To} ms (0: off; generation {Generation})",
                shedBefore.TotalMilliseconds, shedAfter.TotalMilliseconds, file.Generation);
        }

        Volatile.Write(ref _current, file);
        _metrics.SetAppliedGeneration(file.Generation);
        _logger.LogInformation(
            "Applied tuning generation {Generation}: min worker threads {MinThreads}, pool size {PoolSize}",
            file.Generation, minThreads, _dataSource.MaxPoolSize);
        Interlocked.Exchange(ref _applied, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes once a generation at least <paramref name="generation"/> is applied.</summary>
    public async Task WaitForGenerationAsync(long generation, CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _applied).Task;
            if (Current is { } current && current.Generation >= generation)
            {
                return;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
