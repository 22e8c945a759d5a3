namespace Autotune.Simulation.Model;

/// <summary>The in-process settings a pod runs with: the tuning file's generation, minimum threads and pool size.</summary>
/// <param name="Generation">Tuning generation (0 before any file).</param>
/// <param name="MinThreads">Thread-pool minimum worker threads.</param>
/// <param name="PoolSize">Npgsql Maximum Pool Size.</param>
public sealed record PodTuning(long Generation, int MinThreads, int PoolSize);
