using Autotune.Load;

namespace Autotune.Demo;

/// <summary>
/// Keeps the load generator's targets equal to the running replicas: a replica that appears gets traffic once it
/// is ready (/readyz: PostgreSQL and Redis reachable, users seeded); one that goes away stops getting traffic at once.
/// </summary>
public sealed class ReplicaFollower(Func<IReadOnlyList<Uri>> replicas, LoopbackTargets targets, HttpClient http)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>The largest number of replicas that took traffic at once.</summary>
    public int Count => targets.Current.Count;

    /// <summary>Follows the replicas until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Poll);
        do
        {
            var now = replicas();
            var current = targets.Current;
            var kept = current.Where(now.Contains).ToList();
            foreach (var url in now.Where(u => !current.Contains(u)))
            {
                if (await AnswersAsync(url, cancellationToken))
                {
                    kept.Add(url);
                }
            }

            if (kept.Count != current.Count || !kept.SequenceEqual(current))
            {
                targets.Replace(kept);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task<bool> AnswersAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            using var response = await http.GetAsync(new Uri(url, "readyz"), timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
