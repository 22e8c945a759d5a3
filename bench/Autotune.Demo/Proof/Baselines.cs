namespace Autotune.Demo.Proof;

/// <summary>
/// What a user gets without a tuner, on the same stack and the same ramps: the runtime's and Npgsql's defaults, and
/// HikariCP's pool-sizing formula (connections = cores x 2 + 1 per pod, from its "About Pool Sizing" page).
/// </summary>
public static class Baselines
{
    /// <summary>Npgsql's default Maximum Pool Size.</summary>
    public const int NpgsqlDefaultPool = 100;

    /// <summary>The phase name of the defaults baseline.</summary>
    public const string DefaultsPhase = "defaults";

    /// <summary>The phase name of the HikariCP formula baseline.</summary>
    public const string HikariPhase = "hikari";

    /// <summary>The runtime's minimum threads and Npgsql's default pool, at the workload's replicas and max_connections (the database is given).</summary>
    public static StaticSettings Defaults(ProofProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new StaticSettings(null, NpgsqlDefaultPool, profile.Starting.MaxConnections, profile.Starting.Replicas);
    }

    /// <summary>HikariCP's formula: a pool of cores x 2 + 1 per pod (effective spindles 0: the data set is in memory), the runtime's minimum threads.</summary>
    public static StaticSettings Hikari(ProofProfile profile, int coresPerPod)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentOutOfRangeException.ThrowIfLessThan(coresPerPod, 1);
        return new StaticSettings(null, (coresPerPod * 2) + 1, profile.Starting.MaxConnections, profile.Starting.Replicas);
    }
}
