using Autotune.Contracts;

namespace Autotune.Agent.Tests;

/// <summary>
/// Twelve HTTP clients call an endpoint that answers <c>name;pool size</c> while the tuning file raises the pool
/// 4 -> 8 -> 12 and the minimum threads 16 -> 24 -> 32; collects every failure and every pool size that served.
/// </summary>
internal static class SwapsUnderLoad
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The first tuning file, to write before the app starts.</summary>
    public static readonly TuningFile First = new(1, ThreadPoolMinThreads: 16, DbMaxPoolSize: 4);

    public static readonly TuningFile[] Raises = [new(2, 24, 8), new(3, 32, 12)];

    public static async Task<(IReadOnlyList<string> Failures, IReadOnlySet<int> PoolSizes, int Completed)> RunAsync(
        AgentApp app, TuningDirectory tuning, string path, CancellationToken cancellationToken)
    {
        using var stopLoad = new CancellationTokenSource();
        var gate = new Lock();
        var failures = new List<string>();
        var poolSizes = new HashSet<int>();
        var completed = 0;
        int Completed()
        {
            lock (gate)
            {
                return completed;
            }
        }

        async Task Client(int client)
        {
            var id = client + 1;
            while (!stopLoad.IsCancellationRequested)
            {
                id = id % 100 + 1;
                try
                {
                    using var response = await app.Http.GetAsync(new Uri($"{path}/{id}", UriKind.Relative), CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    lock (gate)
                    {
                        var parts = body.Split(';');
                        if (response.IsSuccessStatusCode && parts.Length == 2 && parts[0] == $"item {id}")
                        {
                            poolSizes.Add(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                            completed++;
                        }
                        else
                        {
                            failures.Add($"{(int)response.StatusCode}: {body}");
                        }
                    }
                }
                catch (HttpRequestException ex)
                {
                    lock (gate)
                    {
                        failures.Add(ex.Message);
                    }
                }
            }
        }

        var clients = Enumerable.Range(0, 12).Select(i => Task.Run(() => Client(i), CancellationToken.None)).ToList();
        try
        {
            foreach (var file in Raises)
            {
                var before = Completed();
                await Await.UntilAsync(() => Completed() >= before + 50, Timeout, $"load runs before generation {file.Generation}", cancellationToken);
                tuning.Write(file);
                await app.Agent.WaitForGenerationAsync(file.Generation, cancellationToken).WaitAsync(Timeout, cancellationToken);
            }

            var atEnd = Completed();
            await Await.UntilAsync(() => Completed() >= atEnd + 50, Timeout, "load runs after the last raise", cancellationToken);
        }
        finally
        {
            await stopLoad.CancelAsync();
            await Task.WhenAll(clients);
        }

        lock (gate)
        {
            return ([.. failures], poolSizes, completed);
        }
    }
}
