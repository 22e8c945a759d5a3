namespace Autotune.Simulation.Model;

/// <summary>The in-process settings a pod runs with: the tuning file's generation, minimum threads, pool size and shedding deadline.</summary>
/// <param name="Generation">Tuning generation (0 before any file).</param>
/// <param name="MinThreads">Thread-pool minimum worker threads.</param>
/// <param name="PoolSize">Npgsql Maximum Pool Size.</param>
/// <param name="ShedAfterMs">
/// The agent's shedding deadline: a request that waited longer than this for a thread is answered 503 at once; null: off.
/// </param>
public sealed record PodTuning(long Generation, int MinThreads, int PoolSize, int? ShedAfterMs = null);
