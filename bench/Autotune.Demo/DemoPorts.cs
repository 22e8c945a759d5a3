namespace Autotune.Demo;

/// <summary>The ports every replica uses, each on its own loopback address (127.0.0.11, .12, ...).</summary>
/// <param name="Api">The API's HTTP port.</param>
/// <param name="Metrics">The agent's metrics port.</param>
public sealed record DemoPorts(int Api, int Metrics);
