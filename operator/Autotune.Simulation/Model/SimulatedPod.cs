using Autotune.Contracts;
using Autotune.Simulation.Metrics;

namespace Autotune.Simulation.Model;

/// <summary>
/// One API process, advanced a tick at a time as a fluid queueing network: a thread-pool queue in front of threads
/// (CPU-shared, and held through the database by blocking requests), then an Npgsql-like pool in front of the
/// database. Backlogs carry overload; closed-form waits carry the randomness below saturation.
/// </summary>
public sealed class SimulatedPod
{
    private const long FlushTicks = 5;
    private readonly PodOptions _options;
    private readonly WorkloadProfile _workload;
    private readonly DatabaseServer _database;
    private readonly RequestTruth _truth;
    private readonly ServiceTimeShape _shape;
    private readonly ServiceTimeShape _waitShape = new(1.0);
    private PodTuning? _pending;
    private double _applyAt;
    private double _threads;
    private double _starvedFor;
    private double _idleFor;
    private double _threadQueue;
    private double _poolQueue;
    private double _open;
    private double _draining;
    private double _rateSmoothed;
    private double _servedSmoothed;
    private double _poolRateSmoothed;
    private double _poolWaitLast;
    private double _threadBacklogWaitLast;
    private double _onCpu;
    private double _blocked;
    private double _cpuFactor = 1;
    private int _databaseEpoch;
    private readonly SpreadBatch _latencyBatch = new();
    private readonly SpreadBatch _waitBatch = new();
    private readonly SpreadBatch _useBatch = new();

    /// <summary>A pod created at <paramref name="createdAt"/> running <paramref name="tuning"/>.</summary>
    public SimulatedPod(string name, double createdAt, PodOptions options, WorkloadProfile workload, PodTuning tuning,
        DatabaseServer database, RequestTruth truth)
    {
        Name = name;
        CreatedAt = createdAt;
        _options = options;
        _workload = workload;
        _database = database;
        _truth = truth;
        _shape = new ServiceTimeShape(Math.Clamp(workload.ServiceVariability, 0, 1));
        Tuning = tuning;
        _threads = options.Cores;
        _databaseEpoch = database.Epoch;
    }

    /// <summary>Pod name.</summary>
    public string Name { get; }

    /// <summary>Creation time (seconds).</summary>
    public double CreatedAt { get; }

    /// <summary>True once the pod has started and takes traffic.</summary>
    public bool IsReady(double now) => now >= CreatedAt + _options.StartupSeconds;

    /// <summary>The settings the pod runs with now.</summary>
    public PodTuning Tuning { get; private set; }

    /// <summary>The pod's metric registry.</summary>
    public PodMetrics Metrics { get; } = new();

    /// <summary>CPU cores the pod may use.</summary>
    public int Cores => _options.Cores;

    /// <summary>Whether the pod advertises a bounded pool swap (see <see cref="PodOptions.BoundedPoolSwap"/>).</summary>
    public bool BoundedPoolSwap => _options.BoundedPoolSwap;

    /// <summary>Thread-pool threads now.</summary>
    public double Threads => _threads;

    /// <summary>Physical connections the pod holds now (both pools during a swap).</summary>
    public double Connections => _open + _draining;

    /// <summary>CPU used over the last ticks / cores, 0..1 (smoothed).</summary>
    public double CpuUtilization => Math.Min(1, _servedSmoothed * _workload.CpuMs * _cpuFactor / 1000 / _options.Cores);

    /// <summary>How many times its own CPU a request costs now, for the threads that compete for the cores (1: none past them).</summary>
    public double ContextSwitchFactor => _cpuFactor;

    /// <summary>Time the dedicated metrics thread takes to answer now, in milliseconds (slower only when CPU is saturated).</summary>
    public double ScrapeLatencyMs => _options.ScrapeMs * (1 + (4 * Math.Max(0, CpuUtilization - 0.9) / 0.1));

    /// <summary>Receives a tuning file; the pod applies it after the apply delay.</summary>
    public void Receive(PodTuning tuning, double now, double jitterSeconds)
    {
        if (tuning.Generation <= Tuning.Generation)
        {
            return;
        }

        _pending = tuning;
        _applyAt = now + _options.ApplyDelaySeconds + jitterSeconds;
    }

    /// <summary>Closes every connection (the pod is removed).</summary>
    public void Terminate()
    {
        Flush();
        _database.Close(_open + _draining);
        _open = 0;
        _draining = 0;
    }

    /// <summary>Advances the pod by <paramref name="dt"/> seconds with <paramref name="arrivals"/> new requests.</summary>
    public void Step(double now, double dt, double arrivals)
    {
        ApplyPending(now);
        HandleDatabaseRestart();
        _truth.Arrived += arrivals;

        var w = _workload;
        var cores = _options.Cores;
        _cpuFactor = w.CpuMs > 0 ? 1 + (ContextSwitchCpuMsAt(_options, RunnableThreads()) / w.CpuMs) : 1;
        var cpu = w.CpuMs / 1000 * _cpuFactor;
        var rate = arrivals / dt;
        _rateSmoothed += 0.2 * (rate - _rateSmoothed);
        var query = w.QueryCpuMs / 1000 * _database.Stretch;
        var hold = w.QueriesPerRequest * ((w.NetworkRttMs / 1000) + query);

        // Threads: CPU is shared by the running requests; blocking ones also hold a thread through pool wait and database time.
        var cpuEffective = cpu * (1 + Queueing.WaitFactor(_servedSmoothed * cpu / cores, cores));
        var external = w.ExternalWaitMs / 1000;
        var continuationWait = w.SyncOverAsync ? _threadBacklogWaitLast : 0;
        var blockingHold = w.BlockingShare * (external + _poolWaitLast + hold + continuationWait);
        var needed = (rate * (cpuEffective + blockingHold)) + _threadQueue;
        if (needed > _threads && _threads < Tuning.MinThreads)
        {
            _threads = Math.Min(Tuning.MinThreads, Math.Ceiling(needed));
        }

        // A thread spends its request's wait for a core on the thread only when threads outnumber the cores and share
        // them (at most T / cores times the CPU, all T runnable); with no more threads than cores that wait is spent
        // queued, and the thread holds just the CPU.
        // (The scenarios written before this law keep the first one, a thread holding the whole wait: PodOptions.ThreadHoldsCoreWait.)
        var sharingThreads = Math.Max(cores, _threads - _blocked);
        var threadHold = (_options.ThreadHoldsCoreWait ? cpuEffective : Math.Min(cpuEffective, cpu * sharingThreads / cores)) + blockingHold;
        var threadRate = _threads / threadHold;
        var cpuRate = cores / cpu;
        var serviceRate = Math.Min(threadRate, cpuRate);
        var demand = _threadQueue + arrivals;
        var served = Math.Min(demand, serviceRate * dt);
        _threadQueue = demand - served;
        Shed(serviceRate);
        _servedSmoothed += 0.2 * ((served / dt) - _servedSmoothed);
        AdjustThreads(dt, threadRate < 0.999 * cpuRate, served / dt * threadHold);
        _onCpu = served / dt * cpuEffective;
        _blocked = served / dt * blockingHold;
        var threadBacklogWait = _threadQueue / serviceRate;
        _threadBacklogWaitLast = Math.Min(threadBacklogWait, 3600);
        // The random wait is the queueing a steady load sees below saturation; a continuation's wait behind the backlog
        // is the backlog's own (threadBacklogWait), so it is not counted in it again.
        var randomHold = threadHold - (w.BlockingShare * continuationWait);
        var threadRandomWait = threadRate < 0.999 * cpuRate ? Queueing.WaitFactor(_rateSmoothed * randomHold / _threads, _threads) * randomHold : 0;
        Metrics.CpuSeconds += served * cpu;
        Metrics.WorkItems += served * PodMetrics.WorkItemsPerRequest;

        // The pool: wait FIFO for a connection, open new ones against max_connections, time out after the pool timeout.
        var (poolServed, poolBacklogWait, poolRandomWait) = StepPool(now, dt, served, hold, threadBacklogWait + cpuEffective);
        _poolWaitLast = poolBacklogWait + poolRandomWait;
        _database.AddExecuting(poolServed / dt * w.QueriesPerRequest * query, poolServed / dt * w.QueriesPerRequest * w.QueryCpuMs / 1000);

        var fixedPart = threadBacklogWait + poolBacklogWait;
        var variable = threadRandomWait + cpuEffective + external + poolRandomWait + hold;
        _latencyBatch.Add(poolServed, fixedPart, variable);
        _waitBatch.Add(poolServed, poolBacklogWait, poolRandomWait);
        _useBatch.Add(poolServed, 0, hold);
        if (((long)Math.Round(now / dt) % FlushTicks) == FlushTicks - 1)
        {
            Flush();
        }

        Metrics.QueueLength = _threadQueue + (_rateSmoothed * threadRandomWait);
        Metrics.QueueDelaySeconds = threadBacklogWait + threadRandomWait;
        Metrics.ThreadCount = Math.Round(_threads);
        Metrics.ActiveRequests = Metrics.QueueLength + (served / dt * threadHold) + Metrics.PoolPending + Metrics.PoolUsed;
    }

    /// <summary>
    /// CPU milliseconds a request loses to scheduling with <paramref name="runnable"/> threads runnable on the pod's
    /// cores: ContextSwitchCpuMs x max(0, runnable - cores) / cores.
    /// </summary>
    public static double ContextSwitchCpuMsAt(PodOptions options, double runnable)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ContextSwitchCpuMs * Math.Max(0, runnable - options.Cores) / options.Cores;
    }

    /// <summary>Writes the batched observations into the histograms (every half second, and before a scrape reads them).</summary>
    public void Flush()
    {
        _latencyBatch.Flush(_shape, Metrics.RequestsOk, _truth.Latency);
        _waitBatch.Flush(_waitShape, Metrics.PoolWait);
        _useBatch.Flush(_shape, Metrics.PoolUse);
    }

    private (double Served, double BacklogWait, double RandomWait) StepPool(double now, double dt, double entering, double hold, double latencySoFar)
    {
        if (_draining > 0)
        {
            // The swapped-out pool's busy connections are returned and closed once their requests finish.
            _database.Close(_draining);
            _draining = 0;
        }

        var poolSize = Tuning.PoolSize;
        var demand = _poolQueue + entering;
        _poolRateSmoothed += 0.2 * ((entering / dt) - _poolRateSmoothed);
        var offered = _poolRateSmoothed * hold;

        if (_database.IsDown(now))
        {
            Fail(demand, latencySoFar + (_options.ConnectionOpenMs / 1000), SqlStates.Other);
            _poolQueue = 0;
            SetPoolGauges(0, 0);
            return (0, 0, 0);
        }

        var want = Math.Min(poolSize, Math.Ceiling(offered + (3 * Math.Sqrt(offered)) + (_poolQueue > 0.5 ? poolSize : 0) + 1));
        if (want > _open)
        {
            _open += _database.TryOpen(want - _open, now);
        }

        var refused = _open < want && _open < poolSize;
        double served, backlogWait = 0, randomWait = 0;
        if (refused)
        {
            // No idle connection and the server refuses a new one: Npgsql throws to the request (53300), it does not wait.
            var capacity = _open / hold * dt;
            served = Math.Min(demand, capacity);
            var blocked = served * Queueing.ErlangB(offered, (int)_open);
            served -= blocked;
            Fail(demand - served, latencySoFar + (_options.ConnectionOpenMs / 1000), SqlStates.TooManyConnections);
            _poolQueue = 0;
        }
        else
        {
            var serviceRate = poolSize / hold;
            served = Math.Min(demand, serviceRate * dt);
            _poolQueue = demand - served;
            backlogWait = _poolQueue / serviceRate;
            randomWait = Queueing.WaitFactor(offered / poolSize, poolSize) * hold;
            var queueLimit = serviceRate * _options.PoolTimeoutSeconds;
            if (_poolQueue > queueLimit)
            {
                var timedOut = _poolQueue - queueLimit;
                _poolQueue = queueLimit;
                Metrics.PoolTimeouts += timedOut;
                Metrics.RequestsUnavailable.Observe(timedOut, latencySoFar + _options.PoolTimeoutSeconds);
                _truth.Latency.Observe(timedOut, latencySoFar + _options.PoolTimeoutSeconds);
                _truth.Failed += timedOut;
            }
        }

        var busy = Math.Min(_open, served / dt * hold);
        PruneIdle(dt, Math.Max(busy, want));
        SetPoolGauges(busy, _poolQueue + (_poolRateSmoothed * randomWait));
        return (served, backlogWait, randomWait);
    }

    private void SetPoolGauges(double busy, double pending)
    {
        Metrics.PoolUsed = busy;
        Metrics.PoolIdle = Math.Max(0, _open - busy);
        Metrics.PoolPending = pending;
        Metrics.PhysicalConnections = _open + _draining;
    }

    private void PruneIdle(double dt, double keep)
    {
        if (_open <= keep)
        {
            return;
        }

        var close = Math.Min(_open - keep, Math.Max(0.0, (_open - keep) * dt / _options.ConnectionIdleSeconds));
        _open -= close;
        _database.Close(close);
    }

    private void Fail(double count, double latency, string sqlState)
    {
        if (count <= 0)
        {
            return;
        }

        Metrics.CountOpenFailures(sqlState, count);
        Metrics.RequestsFailed.Observe(count, latency);
        _truth.Latency.Observe(count, latency);
        _truth.Failed += count;
    }

    private void Shed(double serviceRate)
    {
        // The agent's middleware answers 503 at once to a request that waited longer than its deadline for a thread,
        // so the queue never holds more than the deadline's worth of work.
        if (Tuning.ShedAfterMs is not { } shedAfterMs)
        {
            return;
        }

        var deadline = shedAfterMs / 1000.0;
        var keep = serviceRate * deadline;
        if (_threadQueue <= keep)
        {
            return;
        }

        var shed = _threadQueue - keep;
        _threadQueue = keep;
        Metrics.RequestsShed += shed;
        Metrics.RequestsUnavailable.Observe(shed, deadline);
        _truth.Latency.Observe(shed, deadline);
        _truth.Failed += shed;
    }

    private double RunnableThreads()
    {
        // Threads not blocked (on I/O or a pool wait) that have work: the requests on the CPU and the queued work items
        // that wake a thread of their own while threads are spare (.NET creates them at once up to the minimum). Only
        // threads the minimum forces count: past it the runtime's hill climbing keeps a thread only while it adds
        // throughput, and it cannot retreat below the minimum the app set.
        var free = Math.Max(0, Math.Min(_threads, Math.Max(Tuning.MinThreads, _options.Cores)) - _blocked);
        return Math.Min(free, _onCpu + _threadQueue);
    }

    private void AdjustThreads(double dt, bool threadBound, double busyThreads)
    {
        // Past the minimum the runtime adds a thread per injection interval while work waits and threads are the limit,
        // or faster, in proportion to the threads it has (hill climbing's steps grow with the count).
        if (_threadQueue > 0.5 && threadBound && _threads >= Tuning.MinThreads)
        {
            _starvedFor += dt;
            var perThread = _options.ThreadInjectionPerThreadSecond * _threads;
            var interval = perThread > 0 ? Math.Min(_options.ThreadInjectionSeconds, 1 / perThread) : _options.ThreadInjectionSeconds;
            while (_starvedFor >= interval)
            {
                _threads += 1;
                _starvedFor -= interval;
            }
        }
        else
        {
            _starvedFor = 0;
        }

        var floor = Math.Max(_options.Cores, Math.Ceiling(busyThreads));
        if (_threadQueue <= 0.5 && _threads > floor + 1)
        {
            _idleFor += dt;
            if (_idleFor >= _options.ThreadIdleRetireSeconds)
            {
                // Each idle worker waits for work with its own timeout and exits when it expires. With no request at
                // all they time out together and retire at once, so after an idle gap as long as the timeout the next
                // burst starts from the floor and waits for injection again; under load the workers take turns at
                // the work and the surplus retires about one a second.
                _threads = busyThreads <= 0 ? floor : Math.Max(floor, _threads - dt);
            }
        }
        else
        {
            _idleFor = 0;
        }
    }

    private void ApplyPending(double now)
    {
        if (_pending is not { } next || now < _applyAt)
        {
            return;
        }

        if (next.PoolSize != Tuning.PoolSize)
        {
            // A new NpgsqlDataSource: idle connections of the old one close now, its busy ones when returned.
            var busy = Metrics.PoolUsed;
            _database.Close(Math.Max(0, _open - busy));
            _draining = busy;
            _open = 0;
        }

        Tuning = next;
        _pending = null;
    }

    private void HandleDatabaseRestart()
    {
        if (_database.Epoch == _databaseEpoch)
        {
            return;
        }

        // The server restarted: every pooled connection is dead; the requests holding one fail with 57P01.
        _databaseEpoch = _database.Epoch;
        Fail(Metrics.PoolUsed, 0.001, SqlStates.AdminShutdown);
        _open = 0;
        _draining = 0;
        SetPoolGauges(0, Metrics.PoolPending);
    }
}
