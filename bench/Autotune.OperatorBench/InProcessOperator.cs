namespace Autotune.OperatorBench;

/// <summary>The controller in the benchmark's own process (the smoke test's way; memory is then the whole process's).</summary>
public sealed class InProcessOperator(OperatorSide side) : IOperatorUnderTest
{
    /// <inheritdoc />
    public string MemoryScope => "the whole benchmark process (controller, API test server and capture server together)";

    /// <inheritdoc />
    public ProbeStats? Latest => side.Probe.Snapshot();

    /// <inheritdoc />
    public (long Rss, long Peak)? Memory() => ProcMemory.Of(Environment.ProcessId);

    /// <inheritdoc />
    public async Task<ProbeStats> StopAsync()
    {
        var live = side.LiveBytes();
        await side.StopAsync();
        return side.Probe.Snapshot() with { LiveBytes = live };
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => side.DisposeAsync();
}
