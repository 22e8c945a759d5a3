namespace Autotune.Engine.Decisions.Policy;

/// <summary>The engine's fixed judgement thresholds, in one place (the spec sets objectives; these read evidence).</summary>
internal static class Thresholds
{
    /// <summary>Fewest scrapes a window needs (gauges are judged on every scrape).</summary>
    public const int MinScrapes = 4;

    /// <summary>Fewest requests a window needs before latency is judged.</summary>
    public const double MinRequests = 50;

    /// <summary>
    /// Share of responses failed or shed (0..1) from which a window's median is not a request's service time: errors
    /// and fail-fast 503s are answered without the work.
    /// </summary>
    public const double MedianSkewingErrors = 0.01;

    /// <summary>
    /// Share of the threads Little's law asks for (without headroom) that the threads in use must cover for the requests
    /// to be holding them: a blocking path. An async app in flight holds few threads.
    /// </summary>
    public const double ThreadsCoverDemand = 0.75;

    /// <summary>Fewest scrapes that still show a trend (queue growth) when the rest of the window is starved.</summary>
    public const int MinScrapesForTrend = 2;

    /// <summary>A scrape slower than this from a live process is starvation evidence.</summary>
    public const double SlowScrapeMs = 1000;

    /// <summary>CPU below this is idle enough for starvation.</summary>
    public const double CpuIdle = 0.6;

    /// <summary>
    /// Queued work that waits for a thread less than this share of the P99 objective (queue / work items completed per
    /// second) is a busy pool's scheduling, not starvation.
    /// </summary>
    public const double QueueWaitShare = 0.02;

    /// <summary>
    /// Share of the machine's CPU idle (idle and iowait) below which the machine has no room for more threads to run,
    /// whatever the process's own CPU says: its neighbours take the cores.
    /// </summary>
    public const double MachineIdleRoom = 0.2;

    /// <summary>Share of the machine's CPU stolen by the hypervisor above which the cores are not there to give.</summary>
    public const double StealHigh = 0.1;

    /// <summary>
    /// Share of the cgroup's CFS periods throttled at or above which the container is at its CPU quota: no room for
    /// more threads, and over the objective the CPU is saturated, whatever the process's utilisation of the node's cores.
    /// </summary>
    public const double CgroupThrottled = 0.1;

    /// <summary>
    /// Work items a thread completes per second below which the pool's threads are held inside their work items
    /// (each holds its thread 2 ms or more on average): with CPU room, blocked. A busy async pool completes thousands
    /// per thread per second (measured: 60k work items a second on 14 threads at 8.7k req/s), a pool blocked on 40 ms
    /// calls about 50.
    /// </summary>
    public const double BlockedWorkItemsPerThread = 500;

    /// <summary>
    /// Share of the P99 objective that the measured thread-pool queue delay, on average over the window, must reach to
    /// count as work waiting for threads even while the queue does not grow.
    /// </summary>
    public const double QueueDelayShare = 0.1;

    /// <summary>CPU at or above this is saturated.</summary>
    public const double CpuSaturated = 0.8;

    /// <summary>
    /// CPU at or above this adds replicas even while the objective is still met: the next rise in load would take
    /// the service over it, and a replica takes a window to start (at 85% the benchmark's rising diurnal load missed
    /// two minutes before the replica came). Above <see cref="ScaleInCpu"/>; a scale-in lands here only when the
    /// latency predicted here was comfortable, and then, at similar load, CPU where the give-back predicted it is not
    /// a reason to add the replica back (<c>Diagnoser.LandedHere</c>).
    /// </summary>
    public const double CpuNoHeadroom = 0.8;

    /// <summary>CPU utilisation aimed for when sizing replicas.</summary>
    public const double CpuTarget = 0.6;

    /// <summary>
    /// Highest CPU at which the service counts as comfortable (capacity may be given back): the scale-out target plus
    /// the same allowance for window-to-window noise as the replica band (<see cref="CpuNoHeadroom"/> -
    /// <see cref="ScaleInCpu"/>), well under <see cref="CpuNoHeadroom"/>. A scale-out lands on its target give or take
    /// that noise, so a limit at the target itself broke the comfortable run on every other window after one (the
    /// benchmark's cpu-bound run, 4 pods at 59.2-60.0%, needed 41 minutes to find 5 comfortable windows in a row). A pool
    /// or thread give-back holds every other change while it is judged, so it is not started while a rising load may
    /// soon need a replica (the benchmark's diurnal load missed two minutes when 70% let a pool give-back start at 64% CPU).
    /// </summary>
    public const double ComfortableCpu = CpuTarget + (CpuNoHeadroom - ScaleInCpu);

    /// <summary>
    /// Highest CPU the remaining replicas may always run at after a replica is given back: under
    /// <see cref="CpuNoHeadroom"/> by more than a steady load's CPU varies from window to window (about half a point in
    /// the simulator), so such a scale-in does not land where a scale-out starts. Past it, up to
    /// <see cref="ScaleInCpuCeiling"/>, only with a comfortable predicted latency. A scale-in also needs P99 under
    /// <see cref="ComfortableLatency"/> of the objective and is rolled back if it leaves the service over it.
    /// </summary>
    public const double ScaleInCpu = 0.78;

    /// <summary>
    /// Highest CPU the remaining replicas may ever run at after a replica is given back: past <see cref="ScaleInCpu"/>
    /// only when the latency predicted there stays comfortable (see <c>GiveBackPolicy</c>). Beyond it the wait for a
    /// core grows too steeply (rho / (1 - rho) doubles from 85% to 92%) to extrapolate from a window at lower CPU.
    /// </summary>
    public const double ScaleInCpuCeiling = 0.85;

    /// <summary>Highest pool usage the remaining replicas may run at after a replica is given back.</summary>
    public const double ScaleInPoolUsage = 0.8;

    /// <summary>Thread growth per second at or below which the pool is injecting slowly (the runtime's ~1/s past the minimum).</summary>
    public const double SlowThreadGrowthPerSecond = 2;

    /// <summary>Pool usage at or above this is full.</summary>
    public const double PoolFull = 0.9;

    /// <summary>
    /// Share of the pool's connection time that connection uses took (uses x hold time / pool) at or above which the
    /// pool is the throughput limit: completions understate the demand, and the requests waiting are work it did not
    /// serve. Below it the pool keeps up and its waiters are the queue any busy server has.
    /// </summary>
    public const double PoolCapped = 0.95;

    /// <summary>
    /// How many times the mean queue of a steady single server at the same utilisation (rho^2 / (1 - rho), M/M/1,
    /// the longest steady queue any pool that busy holds) the waiters may reach before they are a backlog, not a
    /// queue: real arrivals are burstier than Poisson.
    /// </summary>
    public const double SteadyQueueSlack = 2;

    /// <summary>Requests waiting per pod, on average over the window, that make a full pool a stuck one.</summary>
    public const double StuckWaiters = 1;

    /// <summary>
    /// Requests waiting per pod for each pooled connection at which, under starvation and after a raise of minimum
    /// threads, the pool is raised next.
    /// </summary>
    public const double WaitersPerConnection = 2;

    /// <summary>
    /// Requests arriving per connection use served, past which a pool whose waiters outnumber it is full whatever share
    /// of it the scrapes saw in use (usage is sampled and dips while connections are handed back). In the demo 200 req/s
    /// arrived for 84 uses/s; in the backfire scenario uses keep up with arrivals (1,450 for 1,450 a second) and one
    /// more connection only adds contention.
    /// </summary>
    public const double PoolFallsBehind = 1.5;

    /// <summary>
    /// Share of the time a pool's connections were in use, by the scrapes and by uses x hold time, under which its
    /// waiters do not make it full: they wait for a core to run them or for connections being opened, and more
    /// connections add nothing. Measured in the proof's cached-mix profile: 868 requests waiting per pod on a pool of 16
    /// in use 11.3% at the scrapes and 15% by uses x hold time, on a machine with no idle CPU (most requests answered
    /// from the cache, so requests arriving outran connection uses without any shortage of connections); the pool was
    /// raised 16 -> 32, where the grid held the same knee on a pool of 4.
    /// </summary>
    public const double PoolHalfBusy = 0.5;

    /// <summary>
    /// How many times the pool-wait P99 before an idle-pool trim a mostly idle pool's wait may reach after it and still
    /// not be the trim's doing. Between windows at the same settings on a loaded machine it moves about this much
    /// (measured on the real stack in over-provisioned: 13-27 ms on a pool of 64 about 1% used, between windows at
    /// 0.1 ms).
    /// </summary>
    public const double PoolWaitInflation = 2;

    /// <summary>
    /// Share of requests failing (5xx, sheds included) past which a window is an overloaded service's: a move judged
    /// from it teaches no knee, because its windows move with the backlog rather than with the knob.
    /// </summary>
    public const double OverloadedErrorRate = 0.05;

    /// <summary>
    /// Share of the arriving requests that must be answered without an error, under which a window with enough arrivals
    /// is a collapse (see <c>CollapseSignal</c>): sized from demand at once, however few requests completed.
    /// </summary>
    public const double CollapseGoodputShare = 0.5;

    /// <summary>A thread-pool queue this many times its limit, not draining, is a backlog.</summary>
    public const double BacklogFactor = 10;

    /// <summary>Share under the objective that counts as meeting a P99 objective.</summary>
    public const double ShareTarget = 0.99;

    /// <summary>Fraction of the pool-wait and queue objectives under which the service is comfortable (capacity may be given back).</summary>
    public const double Comfortable = 0.6;

    /// <summary>
    /// Fraction of the P99 objective under which latency is comfortable. Latency that comes from the work itself (a
    /// far database, a blocking call) does not fall with more capacity, so the margin asked of it is smaller than of
    /// the resources; whether fewer replicas can carry the load is judged on CPU, pool and threads.
    /// </summary>
    public const double ComfortableLatency = 0.7;

    /// <summary>Headroom applied to Little's-law sizing.</summary>
    public const double Headroom = 1.5;

    /// <summary>Hold-time growth, after a pool raise that added no throughput, that shows the database queues.</summary>
    public const double HoldInflation = 1.3;

    /// <summary>Throughput gain below which a pool raise added nothing.</summary>
    public const double FlatThroughput = 1.1;

    /// <summary>Hold time against the best seen, with the pool busy, that shows the database queues.</summary>
    public const double HoldVersusBaseline = 2.5;

    /// <summary>Relative load difference within which two windows are at similar load.</summary>
    public const double SimilarLoad = 0.15;
}
