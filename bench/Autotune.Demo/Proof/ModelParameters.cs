using System.Globalization;

namespace Autotune.Demo.Proof;

/// <summary>
/// The workload parameters of the model that are not known from the profile: API CPU per request (all CPU the
/// request costs on the API side, ms), database CPU per query (ms), and the time a query holds its connection beyond
/// the database's CPU and the profile's simulated round trip (loopback, protocol and driver time, ms).
/// </summary>
/// <param name="CpuMs">API CPU per request, ms.</param>
/// <param name="QueryCpuMs">Database CPU per query when the server is idle, ms.</param>
/// <param name="HoldOverheadMs">Connection hold per query beyond the database's CPU and the simulated round trip, ms.</param>
public sealed record ModelParameters(double CpuMs, double QueryCpuMs, double HoldOverheadMs = 0)
{
    /// <summary>The values assumed before calibration: API CPU 1 ms, query CPU 0.3 ms, no hold overhead.</summary>
    public static ModelParameters Assumed { get; } = new(1.0, 0.3);

    /// <summary>"API CPU 0.42 ms, query CPU 0.11 ms, hold +0.3 ms".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"API CPU {CpuMs:0.###} ms, query CPU {QueryCpuMs:0.###} ms, hold +{HoldOverheadMs:0.###} ms");
}
