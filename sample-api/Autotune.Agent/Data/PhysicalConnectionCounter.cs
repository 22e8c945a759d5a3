using System.Diagnostics.Metrics;
using Autotune.Contracts;

namespace Autotune.Agent.Data;

/// <summary>
/// Counts the physical connections of the given pools by reading Npgsql's own <c>db.client.connection.count</c>
/// (Npgsql 10 has no public pool statistics), summed over the pool names asked for.
/// </summary>
internal sealed class PhysicalConnectionCounter : IDisposable
{
    private const string PoolNameTag = "db.client.connection.pool.name";
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private IReadOnlySet<string> _names = new HashSet<string>();
    private long _sum;

    public PhysicalConnectionCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MetricNames.NpgsqlMeter && instrument.Name == MetricNames.PoolConnectionCount.Instrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Add(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        _listener.Start();
    }

    /// <summary>Idle plus busy connections of the named pools now.</summary>
    public long Count(IReadOnlySet<string> poolNames)
    {
        lock (_gate)
        {
            _names = poolNames;
            _sum = 0;
            _listener.RecordObservableInstruments();
            return _sum;
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == PoolNameTag && tag.Value is string name && _names.Contains(name))
            {
                _sum += value;
                return;
            }
        }
    }
}
