namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>Awaits a condition with a deadline, checking it each time something may have changed (polling briefly).</summary>
internal static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Xunit.TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        T last = default!;
        try
        {
            while (true)
            {
                last = await read();
                if (done(last))
                {
                    return last;
                }

                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:F0}s; last seen: {last}");
        }
    }

    public static Task UntilAsync(Func<bool> done, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(done()), d => d, timeout, what);
}
