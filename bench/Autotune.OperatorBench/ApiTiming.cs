using System.Diagnostics;

namespace Autotune.OperatorBench;

/// <summary>Times every request the operator's Kubernetes client makes (watches aside): how long the API server took to answer.</summary>
public sealed class ApiTiming : DelegatingHandler
{
    private readonly Lock _gate = new();
    private readonly List<double> _ms = [];

    /// <summary>The durations so far, ms, sorted.</summary>
    public double[] Sorted()
    {
        double[] sorted;
        lock (_gate)
        {
            sorted = [.. _ms];
        }

        Array.Sort(sorted);
        return sorted;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) == true)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (_gate)
        {
            _ms.Add(ms);
        }

        return response;
    }
}
