namespace SampleApi.Caching;

/// <summary>Removes expired in-process entries every few seconds, so keys nobody reads again do not hold memory.</summary>
internal sealed class LocalCacheSweeper(LocalUserCache cache) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!cache.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            cache.Sweep();
        }
    }
}
