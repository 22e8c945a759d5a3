using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using CsCheck;

namespace Autotune.Engine.Tests.Properties;

/// <summary>
/// A deliberately small model of an API at constant offered load, so that a window answers the settings: CPU
/// spreads over replicas, the pool queues when uses x hold time exceed it, the database holds connections longer
/// once busy connections pass its cores, and threads below rate x latency starve. Enough to tempt a policy into
/// oscillating; the simulator is the calibrated model.
/// </summary>
internal sealed record SteadyLoadModel(double Rps, double CpuMsPerRequest, double CoresPerPod, double DbMs, int DbCores, double BlockingShare)
{
    public static readonly Gen<SteadyLoadModel> Gen =
        CsCheck.Gen.Select(CsCheck.Gen.Double[10, 4000], CsCheck.Gen.Double[0.2, 8], CsCheck.Gen.Double[0.5, 4], CsCheck.Gen.Double[0.5, 40],
            CsCheck.Gen.Int[1, 16], CsCheck.Gen.Double[0, 1],
            (rps, cpu, cores, db, dbCores, blocking) => new SteadyLoadModel(rps, cpu, cores, db, dbCores, blocking));

    public ObservedWindow Window(Settings s, DateTimeOffset end, long generation)
    {
        var pods = Math.Max(1, s.Replicas ?? 1);
        var pool = Math.Max(1, s.DbMaxPoolSize ?? 100);
        var perPod = Rps / pods;
        var cpu = Math.Min(1, perPod * CpuMsPerRequest / 1000 / CoresPerPod);

        // Busy connections beyond twice the database's cores only queue inside it, stretching every hold.
        var offeredBusy = Rps * DbMs / 1000;
        var busyTotal = Math.Min(offeredBusy, pods * pool);
        var hold = DbMs * Math.Max(1, busyTotal / (2.0 * DbCores));
        var needPerPod = perPod * hold / 1000;
        var usage = Math.Min(1, needPerPod / pool);
        var pending = Math.Max(0, needPerPod - pool);
        var poolWait = pending > 0 ? 50 + (pending / pool * 200) : needPerPod / pool * 5;

        // Blocking requests hold a thread for their database time.
        var threadsNeeded = perPod * BlockingShare * hold / 1000;
        var minThreads = s.ThreadPoolMinThreads ?? 1000;
        var starving = threadsNeeded > minThreads * 1.2 && cpu < 0.6;
        var queue = starving ? (threadsNeeded - minThreads) * 2 : 0;
        var cpuPenalty = cpu > 0.85 ? (cpu - 0.85) * 4000 : 0;
        var p99 = (CpuMsPerRequest * 3) + (hold * 2) + poolWait + cpuPenalty + (starving ? 300 : 0);
        return new ObservedWindow
        {
            Start = end.AddSeconds(-60),
            End = end,
            Scrapes = 6,
            Pods = pods,
            Rps = Rps,
            Requests = Rps * 60,
            P50Ms = p99 / 3,
            P99Ms = p99,
            ShareUnderObjective = p99 > 250 ? 0.95 : 0.999,
            PoolWaitP99Ms = poolWait,
            ConnectionHoldMeanMs = hold,
            ConnectionUsesPerSecond = Rps,
            PendingRequestsMean = pending,
            PoolUsage = usage,
            PoolInUseMax = Math.Min(pool, needPerPod),
            QueueDepthMean = queue,
            QueueDepthSlopePerSecond = starving ? 1 : 0,
            ThreadsFirst = minThreads,
            ThreadsLast = minThreads + (starving ? 30 : 0),
            CpuUtilization = cpu,
            ScrapeLatencyMaxMs = starving ? 1500 : 10,
            AppliedGenerationMin = generation,
            AppliedMinThreads = s.ThreadPoolMinThreads,
            AppliedPoolSize = s.DbMaxPoolSize,
        };
    }
}
