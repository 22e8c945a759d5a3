using System.Globalization;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Demo.Proof;

/// <summary>
/// (b) and (c) are compared inside the same budgets: local mode may only reach settings its ApiTuning's budgets allow,
/// so a starting point or grid point outside them would compare it with a setting it was never allowed to choose (the
/// bursty-starvation grid once held pool 100 against a pool budget of 2-40, and local mode's first decision had to
/// bring the pool into the budget).
/// </summary>
public static class ProofBudgets
{
    /// <summary>Every setting of <paramref name="points"/> (and the profile's start) outside <paramref name="spec"/>'s budgets, in words; empty when all fit.</summary>
    public static IReadOnlyList<string> Outside(ProofProfile profile, ApiTuningSpec spec, IEnumerable<StaticSettings> points)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(points);
        var k = spec.Knobs;
        var problems = new List<string>();
        foreach (var (s, what) in points.Select(p => (p, "grid point")).Prepend((profile.Starting, "start")).Distinct())
        {
            Check(what, s, "pool", s.Pool, k.DbMaxPoolSize);
            Check(what, s, "max_connections", s.MaxConnections, k.PostgresMaxConnections);
            if (s.MinThreads is { } t)
            {
                Check(what, s, "minimum threads", t, k.ThreadPoolMinThreads);
            }

            if (k.Replicas is { } rb)
            {
                Check(what, s, "replicas", s.Replicas, rb);
            }
            else if (s.Replicas != profile.Starting.Replicas)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{profile.Name}: {what} {s} has {s.Replicas} replicas, but replicas are not a knob of {profile.SpecFile} (the start has {profile.Starting.Replicas})"));
            }
        }

        return problems;

        void Check(string what, StaticSettings s, string knob, int value, KnobBudget? budget)
        {
            if (budget is { } b && (value < b.Min || value > b.Max))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{profile.Name}: {what} {s} has {knob} {value}, outside the {b.Min}-{b.Max} budget of {profile.SpecFile}"));
            }
        }
    }
}
