using System.Net;
using System.Net.Sockets;

namespace Autotune.Load.Tests;

internal static class LoadTestHelpers
{
    public const string Key = "test-key";

    public static LoadOptions Options(IReadOnlyList<LoadStep> steps, IRequestMix mix) => new() { Plan = new LoadPlan(steps), Mix = mix };

    public static Uri DeadUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    public static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
