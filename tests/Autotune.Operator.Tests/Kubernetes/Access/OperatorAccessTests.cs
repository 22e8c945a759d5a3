using Autotune.KubeApi.Authorization;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Autotune.Operator.Tests.Kubernetes.Scenarios;
using Xunit;
using YamlDotNet.RepresentationModel;

[assembly: TestCollectionOrderer(typeof(Autotune.Operator.Tests.Kubernetes.Access.LastCollectionOrderer))]

namespace Autotune.Operator.Tests.Kubernetes.Access;

/// <summary>Runs after every other collection (not parallelised, and ordered last by <see cref="LastCollectionOrderer"/>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OperatorAccessCollection
{
    public const string Name = "Operator access";
}

/// <summary>
/// The chart's RBAC against what the operator did in this process's cluster tests (<see cref="OperatorAccessLedger"/>):
/// every right granted is used by some test or listed under <c>unexercised</c> in kubernetes-access.yaml with a reason,
/// and nothing the operator asked for was refused.
/// </summary>
[Collection(OperatorAccessCollection.Name)]
public sealed class OperatorAccessTests
{
    /// <summary>The test classes that run operator code against the API server as the operator's ServiceAccount.</summary>
    private static readonly Type[] OperatorTests =
    [
        typeof(ControllerTests), typeof(LeaderElectionTests), typeof(ResourceWatcherTests),
        typeof(ApiFaultScenarioTests), typeof(TuningScenarioTests), typeof(FaultScenarioTests), typeof(DatabaseScenarioTests),
        typeof(DeploymentWorkloadTests), typeof(SettingsApplierTests), typeof(StatusWriterTests), typeof(PostgresAndMetricsPortTests),
        typeof(ApiTuningResourceTests), typeof(WorkloadInformersTests), typeof(SteadyStateTests), typeof(Security.OptInTests),
        typeof(Security.FailureStatusTests), typeof(DatabaseBudgetScenarioTests), typeof(DatabaseBudgetPortTests),
    ];

    private static readonly string AccessFile = KubeTestCluster.RepoPath("operator", "Autotune.Operator", "Kubernetes", "kubernetes-access.yaml");

    [Fact]
    public async Task Every_right_the_chart_grants_the_operator_is_used_by_a_test_or_listed_with_a_reason_and_nothing_was_refused()
    {
        var notRun = NotRunOperatorTests();
        if (notRun.Count > 0)
        {
            Assert.Skip($"needs every cluster test of the operator in this run; {notRun.Count} did not run (e.g. {notRun[0]}): run the whole project");
        }

        var granted = (await OperatorRbac.AuthorizerAsync()).Grants.SelectMany(g => g.Rule.Permissions()).Distinct().ToList();
        var used = OperatorAccessLedger.Used();
        var listed = Unexercised();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', granted.Select(p =>
            $"{p,-45} {(used.TryGetValue(p, out var tests) ? string.Join(", ", tests.Take(3)) : "unexercised: " + listed.GetValueOrDefault(p, "?"))}")));

        var refused = OperatorAccessLedger.All.SelectMany(run => run.Refused.Select(r => $"{run.Test}: {r.Verb} {r.RuleResource} in API group \"{r.Group}\""));
        var findings = AccessAudit.Findings(granted, used, listed, refused);

        Assert.True(findings.Count == 0, $"{AccessFile}:\n{string.Join('\n', findings)}");
        Assert.NotEmpty(used);
    }

    [Fact]
    public void The_audit_finds_an_unused_grant_a_stale_or_unfounded_listing_and_a_refusal()
    {
        Permission get = new("get", "", "secrets"), list = new("list", "", "pods"), watch = new("watch", "coordination.k8s.io", "leases");
        Dictionary<Permission, IReadOnlyList<string>> used = new() { [list] = ["ScenarioTests.Starvation"] };

        Assert.Empty(AccessAudit.Findings([get, list], used, new Dictionary<Permission, string> { [get] = "read only when a spec names an admin Secret" }, []));
        Assert.Equal(
            ["granted but used by no test and not listed under unexercised with a reason: get secrets"],
            AccessAudit.Findings([get, list], used, new Dictionary<Permission, string>(), []));
        Assert.Equal(
            [
                "refused to the operator: T.M: patch deployments",
                "listed under unexercised but used by ScenarioTests.Starvation: list pods",
                "listed under unexercised but granted by no rule: watch leases.coordination.k8s.io",
                "listed under unexercised without a reason that says why: watch leases.coordination.k8s.io",
            ],
            AccessAudit.Findings([list], used, new Dictionary<Permission, string> { [list] = "listed although a scenario lists pods", [watch] = "unused" }, ["T.M: patch deployments"]));
    }

    /// <summary>The test methods of <see cref="OperatorTests"/> that did not run in this process (filtered out).</summary>
    private static List<string> NotRunOperatorTests() =>
        [.. from type in OperatorTests
            from method in type.GetMethods()
            where method.GetCustomAttributes(typeof(FactAttribute), inherit: true).Length > 0
            where !TestsRunAttribute.Contains(type, method.Name)
            select $"{type.Name}.{method.Name}"];

    /// <summary>The <c>unexercised</c> list of kubernetes-access.yaml: each permission with the reason it is granted anyway.</summary>
    private static Dictionary<Permission, string> Unexercised()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(AccessFile)));
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        if (!root.Children.TryGetValue(new YamlScalarNode("unexercised"), out var node) || node is not YamlSequenceNode entries)
        {
            return [];
        }

        return entries.OfType<YamlMappingNode>().ToDictionary(
            e => new Permission(Scalar(e, "verb"), Scalar(e, "apiGroup"), Scalar(e, "resource")),
            e => Scalar(e, "reason"));
    }

    private static string Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { } text } ? text : string.Empty;
}
