namespace Autotune.OperatorBench;

/// <summary>The operator as the benchmark sees it: in a process of its own, or in the benchmark's.</summary>
public interface IOperatorUnderTest : IAsyncDisposable
{
    /// <summary>What the RSS figures are of.</summary>
    string MemoryScope { get; }

    /// <summary>The latest numbers reported, or null before the first.</summary>
    ProbeStats? Latest { get; }

    /// <summary>Resident set size now (VmRSS) and its peak (VmHWM), bytes; null where /proc is not there.</summary>
    (long Rss, long Peak)? Memory();

    /// <summary>Stops the controller and returns its final numbers.</summary>
    Task<ProbeStats> StopAsync();
}
