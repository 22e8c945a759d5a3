using System.Collections.Concurrent;
using Autotune.KubeApi.Authorization;
using Autotune.KubeApi.Observation;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Access;

/// <summary>
/// What the operator requested under its ServiceAccount in every cluster test of this process (each
/// <see cref="KubeTestCluster"/> records its server's request log when disposed), for the check that the chart
/// grants nothing its tests do not use.
/// </summary>
internal static class OperatorAccessLedger
{
    private static readonly ConcurrentQueue<Run> Runs = new();

    /// <summary>One test's cluster: the test, the operator's requests and what was refused.</summary>
    public sealed record Run(string TestClass, string TestMethod, IReadOnlyList<RequestRecord> Requests, IReadOnlyList<AccessRequest> Refused)
    {
        public string Test => $"{TestClass.Split('.')[^1]}.{TestMethod}";
    }

    public static IReadOnlyList<Run> All => [.. Runs];

    public static void Record(ITestContext context, IReadOnlyList<RequestRecord> requests, IReadOnlyList<AccessRequest> refused) =>
        Runs.Enqueue(new Run(context.TestClass?.TestClassName ?? "?", context.TestMethod?.MethodName ?? "?", requests, refused));

    /// <summary>Each (verb, group, resource/subresource) the operator requested, with the tests that requested it.</summary>
    public static IReadOnlyDictionary<Permission, IReadOnlyList<string>> Used() =>
        All.SelectMany(run => run.Requests
                .Select(r => r.Access)
                .OfType<AccessRequest>()
                .Select(a => (Permission: new Permission(a.Verb, a.Group, a.RuleResource), run.Test)))
            .GroupBy(x => x.Permission)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(x => x.Test).Distinct().Order(StringComparer.Ordinal)]);
}
