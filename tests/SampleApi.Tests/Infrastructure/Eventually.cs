namespace SampleApi.Tests.Infrastructure;

/// <summary>Awaits a condition with a deadline instead of sleeping for a guessed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }

                await Task.Delay(25, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"not true within {timeout.TotalSeconds:0.#} s: {what}");
            }
            catch (HttpRequestException) when (!deadline.IsCancellationRequested)
            {
                await Task.Delay(25, deadline.Token);
            }
        }
    }
}
