using System.Collections.Concurrent;

namespace SampleApi.Caching;

/// <summary>Concurrent loads of one key share a single load: a burst of misses reaches the database once.</summary>
internal class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TValue>> _flights = new();

    /// <summary>Joins the load of <paramref name="key"/> in flight, or starts one.</summary>
    public Task<TValue> RunAsync(TKey key, Func<TKey, Task<TValue>> load)
    {
        if (_flights.TryGetValue(key, out var running))
        {
            return running;
        }

        var flight = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_flights.TryAdd(key, flight.Task))
        {
            return _flights.TryGetValue(key, out running) ? running : load(key);
        }

        return LoadAsync(key, load, flight);
    }

    /// <summary>New callers stop joining the load in flight (after a write, it may return the old row).</summary>
    public void Forget(TKey key) => _flights.TryRemove(key, out _);

    /// <summary>Loads in flight now.</summary>
    public int InFlight => _flights.Count;

    private async Task<TValue> LoadAsync(TKey key, Func<TKey, Task<TValue>> load, TaskCompletionSource<TValue> flight)
    {
        try
        {
            flight.SetResult(await load(key));
        }
        catch (Exception ex)
        {
            flight.SetException(ex);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<TKey, Task<TValue>>(key, flight.Task));
        }

        // The starter observes the outcome, so a failure is never an unobserved task exception.
        return await flight.Task;
    }
}
