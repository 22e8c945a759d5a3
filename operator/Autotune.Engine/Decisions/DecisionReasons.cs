namespace Autotune.Engine.Decisions;

/// <summary>The machine-readable reason of every decision (an Event's reason), CamelCase, all in one place.</summary>
public static class DecisionReasons
{
    // Holds: not enough evidence.

    /// <summary>The ApiTuning is paused.</summary>
    public const string Paused = "Paused";

    /// <summary>No metrics window could be read.</summary>
    public const string NoData = "NoData";

    /// <summary>The last window ended too long ago.</summary>
    public const string StaleData = "StaleData";

    /// <summary>The window has fewer scrapes than a judgement needs.</summary>
    public const string TooFewScrapes = "TooFewScrapes";

    /// <summary>Too few requests to judge latency.</summary>
    public const string TooLittleTraffic = "TooLittleTraffic";

    /// <summary>Some ready pods could not be scraped.</summary>
    public const string MissingPods = "MissingPods";

    // Holds: guardrails.

    /// <summary>A change waits until every pod (or the server) reports it.</summary>
    public const string AwaitingConfirmation = "AwaitingConfirmation";

    /// <summary>A confirmed change waits one full window for its pool to warm before it is judged.</summary>
    public const string AwaitingWarmup = "AwaitingWarmup";

    /// <summary>A change was not confirmed in time; it is given up and the settings are re-read.</summary>
    public const string ChangeNotConfirmed = "ChangeNotConfirmed";

    /// <summary>The knob that would move changed too recently.</summary>
    public const string Cooldown = "Cooldown";

    /// <summary>The move backfired recently and is barred.</summary>
    public const string MoveBarred = "MoveBarred";

    /// <summary>The move would reverse the knob's last move at the same load.</summary>
    public const string ReversalSuppressed = "ReversalSuppressed";

    /// <summary>The knob that would relieve the bottleneck is at its budget's limit.</summary>
    public const string AtBudgetLimit = "AtBudgetLimit";

    /// <summary>The knob that would relieve the bottleneck is not in the spec.</summary>
    public const string KnobNotManaged = "KnobNotManaged";

    /// <summary>No connections are left on the database and max_connections cannot be raised.</summary>
    public const string BudgetExhausted = "BudgetExhausted";

    /// <summary>max_connections must be raised but the restart policy forbids the restart now.</summary>
    public const string WaitingForMaintenanceWindow = "WaitingForMaintenanceWindow";

    /// <summary>Comfortably under the objective, but not yet for the stabilisation window.</summary>
    public const string Stabilizing = "Stabilizing";

    /// <summary>The objective is met and nothing needs to move.</summary>
    public const string ObjectiveMet = "ObjectiveMet";

    /// <summary>The objective is missed but no rule names a bottleneck the knobs can relieve.</summary>
    public const string NoRemedy = "NoRemedy";

    /// <summary>The database is the limit; connections are not added.</summary>
    public const string DatabaseSaturated = "DatabaseSaturated";

    // Changes (also the reason of the matching recommendation).

    /// <summary>Minimum threads raised for thread starvation.</summary>
    public const string RaiseMinThreads = "RaiseMinThreads";

    /// <summary>Pool raised for pool exhaustion.</summary>
    public const string RaisePool = "RaisePool";

    /// <summary>max_connections raised so that pools can grow.</summary>
    public const string RaiseMaxConnections = "RaiseMaxConnections";

    /// <summary>
    /// A collapsed service (few requests answered while many arrive) sized from demand: minimum threads, the pool and
    /// max_connections raised together, in one decision, to arrivals x uncontended times.
    /// </summary>
    public const string RecoverFromCollapse = "RecoverFromCollapse";

    /// <summary>Pool shrunk because the database only queues the extra connections.</summary>
    public const string ShrinkPool = "ShrinkPool";

    /// <summary>Replicas added for CPU saturation.</summary>
    public const string AddReplicas = "AddReplicas";

    /// <summary>Pool shrunk to make room in the connection budget for more replicas.</summary>
    public const string ShrinkPoolForReplicas = "ShrinkPoolForReplicas";

    /// <summary>Capacity given back (replicas, pool or threads) after a comfortable stabilisation window.</summary>
    public const string GiveBackCapacity = "GiveBackCapacity";

    /// <summary>
    /// A pool far larger than the connections ever in use over the last windows is lowered toward that peak with
    /// headroom, while the objective is met with margin and nobody waits for a connection; judged like any move.
    /// </summary>
    public const string TrimIdlePool = "TrimIdlePool";

    /// <summary>
    /// A replica given back with the pool growing after it: growing the pool first does not fit the connection budget
    /// (old and new pools overlap on every pod), after the replica goes it does. Not judged itself: the pool raise
    /// after it is (as max_connections only makes room for the pool raise after it).
    /// </summary>
    public const string ConsolidateReplicas = "ConsolidateReplicas";

    /// <summary>
    /// Minimum threads or the pool lowered: the knob sits well above what the demand asks while CPU is saturated or
    /// connections are held far longer than uncontended, or it serves less than the value this API served best.
    /// </summary>
    public const string ComeBackDown = "ComeBackDown";

    /// <summary>A raise that would reach the knob's knee (a raise there was judged worse at similar load) is not made.</summary>
    public const string KneeReached = "KneeReached";

    /// <summary>Pools shrunk because the starting state breaks the connection budget.</summary>
    public const string RepairBudget = "RepairBudget";

    /// <summary>A change made things worse at similar load and is undone.</summary>
    public const string Rollback = "Rollback";

    // Holds and changes the pass adds around the engine's decision.

    /// <summary>
    /// An action not applied yet because another ApiTuning on the same database server has not had its first pass,
    /// so what it holds is unknown and its connections would be counted as free.
    /// </summary>
    public const string AwaitingLedger = "AwaitingLedger";

    /// <summary>
    /// A change the tuning ConfigMap shows applied and status never recorded (its operator stopped in between),
    /// resumed as the change in flight.
    /// </summary>
    public const string ResumedChange = "ResumedChange";
}
