using System.Data.Common;
using System.Diagnostics;
using Autotune.Agent.Metrics;
using Autotune.Agent.Shedding;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Autotune.Agent.Data;

/// <summary>
/// The <see cref="ITunedDataSource"/>: a chain of pool generations. <see cref="Resize"/> builds a new generation
/// and retires the old one, which keeps serving the connections already out, closes each as it comes back, and is
/// disposed once they are all back. Meanwhile the <see cref="PoolSwapGate"/> holds the process to max(old, new)
/// physical connections.
/// </summary>
internal sealed class TunedDataSource : ITunedDataSource, IDisposable
{
    private readonly AutotuneAgentOptions _options;
    private readonly AgentMetrics _metrics;
    private readonly ILogger<TunedDataSource> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<PoolGeneration> _retired = [];
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<NpgsqlConnection, PoolGeneration> _createdBy = [];
    private readonly int _configuredPoolSize;
    private readonly PoolSwapGate _swapGate;
    private PoolGeneration? _current;
    private int _desiredPoolSize;
    private int _generations;
    private bool _disposed;

    public TunedDataSource(AutotuneAgentOptions options, AgentMetrics metrics, ILogger<TunedDataSource> logger, TimeProvider time)
    {
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        var configured = options.ConnectionString is null
            ? new NpgsqlConnectionStringBuilder()
            : new NpgsqlConnectionStringBuilder(options.ConnectionString);
        _configuredPoolSize = configured.MaxPoolSize;
        _swapGate = new PoolSwapGate(TimeSpan.FromSeconds(configured.Timeout > 0 ? configured.Timeout : 15));
        _desiredPoolSize = _configuredPoolSize;
        _metrics.SetAppliedPoolSize(_desiredPoolSize);
        DbDataSource = new TunedDbDataSource(this);
    }

    public DbDataSource DbDataSource { get; }

    /// <summary>The current generation's connection string as Npgsql shows it (without the password).</summary>
    internal string CurrentConnectionString => Current().DataSource.ConnectionString;

    /// <summary>The pool size of the connection string, used when the tuning file leaves it out.</summary>
    public int ConfiguredPoolSize => _configuredPoolSize;

    public int MaxPoolSize => Volatile.Read(ref _desiredPoolSize);

    public string PoolName => Current().Name;

    /// <summary>The generation new connections come from (null before the first open).</summary>
    internal PoolGeneration? CurrentGeneration => Volatile.Read(ref _current);

    /// <summary>The gate that holds a live swap to max(old, new) physical connections.</summary>
    internal PoolSwapGate SwapGate => _swapGate;

    /// <summary>Retired generations not yet disposed.</summary>
    internal IReadOnlyList<PoolGeneration> RetiredGenerations
    {
        get
        {
            lock (_gate)
            {
                return [.. _retired];
            }
        }
    }

    /// <summary>The names of every generation not yet disposed.</summary>
    internal IReadOnlySet<string> LivePoolNames
    {
        get
        {
            lock (_gate)
            {
                var names = new HashSet<string>(_retired.Select(g => g.Name));
                if (_current is not null)
                {
                    names.Add(_current.Name);
                }

                return names;
            }
        }
    }

    public async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        RequestDeadline.ThrowIfPast();
        var generation = Lease();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _swapGate.AdmitAsync(generation, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            generation.Release();
            throw;
        }

        ThrowIfPastAfterWait(generation);
        NpgsqlConnection connection;
        try
        {
            connection = await generation.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Npgsql may have returned the connection it got to the pool before failing (an enlistment that threw).
            generation.CloseIdleIfRetired();
            generation.EndOpen();
            generation.Release();
            OnOpenFailed(generation, ex);
            throw;
        }

        generation.AfterOpen();
        _metrics.RecordWaitTime(Stopwatch.GetElapsedTime(started));
        ConnectionLease.Attach(connection, generation, _metrics);
        return connection;
    }

    public NpgsqlConnection OpenConnection()
    {
        RequestDeadline.ThrowIfPast();
        var generation = Lease();
        var started = Stopwatch.GetTimestamp();
        try
        {
            _swapGate.Admit(generation);
        }
        catch
        {
            generation.Release();
            throw;
        }

        ThrowIfPastAfterWait(generation);
        NpgsqlConnection connection;
        try
        {
            connection = generation.DataSource.OpenConnection();
        }
        catch (Exception ex)
        {
            // Npgsql may have returned the connection it got to the pool before failing (an enlistment that threw).
            generation.CloseIdleIfRetired();
            generation.EndOpen();
            generation.Release();
            OnOpenFailed(generation, ex);
            throw;
        }

        generation.AfterOpen();
        _metrics.RecordWaitTime(Stopwatch.GetElapsedTime(started));
        ConnectionLease.Attach(connection, generation, _metrics);
        return connection;
    }

    public NpgsqlConnection CreateConnection()
    {
        // The lease covers only the hand-over: from here on the connection's reachability keeps its generation alive.
        var generation = Lease();
        try
        {
            var connection = generation.DataSource.CreateConnection();
            ReopenableLease.Attach(connection, generation, _metrics);
            _createdBy.Add(connection, generation);
            return connection;
        }
        finally
        {
            generation.Release();
        }
    }

    public bool IsFromRetiredPool(DbConnection connection) =>
        connection is NpgsqlConnection npgsql && _createdBy.TryGetValue(npgsql, out var generation) && generation.IsRetired;

    public void RecordOpen(DbConnection connection, TimeSpan elapsed, Exception? failure)
    {
        if (failure is null)
        {
            _metrics.RecordWaitTime(elapsed);
        }
        else if (connection is NpgsqlConnection npgsql && _createdBy.TryGetValue(npgsql, out var generation))
        {
            OnOpenFailed(generation, failure);
        }
        else if (failure is not OperationCanceledException)
        {
            _metrics.RecordOpenFailure(OpenFailureClassifier.Classify(failure));
        }
    }

    public Task<T> ExecuteIdempotentReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        IdempotentRead.ExecuteAsync(this, read, cancellationToken);

    public T ExecuteIdempotentRead<T>(Func<NpgsqlConnection, T> read) => IdempotentRead.Execute(this, read);

    public void ClearPool()
    {
        CurrentGeneration?.ClearPool();
    }

    /// <summary>Called when a connection from the pool turned out dead on first use (the server restarted).</summary>
    internal void OnServerRestartSeen(Exception exception)
    {
        var sqlState = OpenFailureClassifier.Classify(exception);
        _metrics.RecordOpenFailure(sqlState);
        _logger.LogWarning("A pooled connection was dead ({SqlState}): the server restarted; clearing the pool", sqlState);
        ClearPool();
    }

    /// <summary>Swaps to a new pool generation of the given size; the old one drains and is disposed by <see cref="DisposeDrained"/>.</summary>
    public void Resize(int maxPoolSize)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (maxPoolSize == _desiredPoolSize && _current is not null && _current.MaxPoolSize == maxPoolSize)
            {
                return;
            }

            var previous = _desiredPoolSize;
            Volatile.Write(ref _desiredPoolSize, maxPoolSize);
            _metrics.SetAppliedPoolSize(maxPoolSize);
            if (_current is null)
            {
                // Nothing opened yet: the first generation will be built with the new size.
                return;
            }

            var old = _current;
            var next = Build(maxPoolSize);
            _retired.Add(old);

            // Published before the new generation is current: an open that finds the new one counts the old one at its
            // full size, idle connections included, until they are closed below.
            _swapGate.SetRetired([.. _retired]);
            Volatile.Write(ref _current, next);
            old.Retire(_time.GetUtcNow());

            // Idle connections close now and busy ones as they come back, which is what lets the new pool grow.
            old.ClearPool();
            old.MarkIdleClosed();
            _swapGate.Signal();
            _logger.LogInformation(
                "Npgsql pool resized {From} -> {To}: pool {NewPool} serves new connections; {OldPool} drains {Leases} connections in use",
                previous, maxPoolSize, _current.Name, old.Name, old.ActiveLeases);
        }
    }

    /// <summary>Disposes the retired generations that have drained; warns about ones that take too long.</summary>
    public void DisposeDrained()
    {
        List<PoolGeneration> drained;
        lock (_gate)
        {
            drained = [];
            foreach (var generation in _retired)
            {
                if (generation.Drained.IsCompleted && generation.ActiveLeases == 0 && !generation.PruneCreated())
                {
                    drained.Add(generation);
                }
                else
                {
                    // Still serving, or a connection it created may still open (an EF Core context that outlived the
                    // swap). Npgsql skips the idle drain of a clear that overlaps one of its own (on a broken
                    // connection), which could leave an idle connection behind: clearing on every tick bounds that.
                    generation.ClearPool();
                }
            }

            _retired.RemoveAll(drained.Contains);
            if (drained.Count > 0)
            {
                _swapGate.SetRetired([.. _retired]);
            }

            // Under the lock like the pruning above: a generation retired while a prune outside it held its only
            // reachable connection dequeued would look drained.
            _current?.PruneCreated();
            foreach (var slow in _retired.Where(g => g.ActiveLeases > 0 && _time.GetUtcNow() - g.RetiredAt > _options.PoolDrainWarningAfter))
            {
                _logger.LogWarning("Pool {Pool} still has {Leases} connections out since it was retired", slow.Name, slow.ActiveLeases);
            }
        }

        foreach (var generation in drained)
        {
            generation.DataSource.Dispose();
            _logger.LogInformation("Pool {Pool} drained and disposed", generation.Name);
        }
    }

    public void Dispose()
    {
        List<PoolGeneration> all;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            all = [.. _retired];
            if (_current is not null)
            {
                all.Add(_current);
            }

            _retired.Clear();
            _current = null;
        }

        foreach (var generation in all)
        {
            generation.DataSource.Dispose();
        }
    }

    private PoolGeneration Current()
    {
        var current = Volatile.Read(ref _current);
        if (current is not null)
        {
            return current;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _current ??= Build(_desiredPoolSize);
            return _current;
        }
    }

    private PoolGeneration Lease()
    {
        while (true)
        {
            var generation = Current();
            if (generation.TryAcquire())
            {
                return generation;
            }

            // Retired between the read and the lease: the next read sees its successor.
        }
    }

    /// <summary>A request that passed its deadline while the swap held it back takes no connection.</summary>
    private static void ThrowIfPastAfterWait(PoolGeneration generation)
    {
        try
        {
            RequestDeadline.ThrowIfPast();
        }
        catch
        {
            generation.EndOpen();
            generation.Release();
            throw;
        }
    }

    private PoolGeneration Build(int maxPoolSize)
    {
        var connectionString = _options.ConnectionString ?? throw new InvalidOperationException(
            "The agent has no connection string: set AutotuneAgentOptions.ConnectionString or ConnectionStrings:Postgres.");
        var number = ++_generations;
        var name = $"{_options.PoolName}#{number}";
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        _options.ConfigureDataSource?.Invoke(builder);

        // Set after the app's configuration: the generation's name and size are the agent's to decide.
        builder.Name = name;
        builder.ConnectionStringBuilder.MaxPoolSize = maxPoolSize;
        if (builder.ConnectionStringBuilder.MinPoolSize > maxPoolSize)
        {
            builder.ConnectionStringBuilder.MinPoolSize = maxPoolSize;
        }

        return new PoolGeneration(number, name, maxPoolSize, builder.Build(), _swapGate);
    }

    private void OnOpenFailed(PoolGeneration generation, Exception exception)
    {
        if (exception is OperationCanceledException)
        {
            return;
        }

        var sqlState = OpenFailureClassifier.Classify(exception);
        _metrics.RecordOpenFailure(sqlState);
        if (Contracts.SqlStates.MeansServerRestarted(sqlState))
        {
            _logger.LogWarning("Opening a connection failed with {SqlState}: the server restarted; clearing pool {Pool}", sqlState, generation.Name);
            generation.ClearPool();
        }
    }
}
