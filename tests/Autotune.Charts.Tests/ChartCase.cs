using Autotune.Operator.Tests.Kubernetes.Scenarios;
using Xunit;

namespace Autotune.Charts.Tests;

/// <summary>One way of installing a chart: the chart folder, the release, its namespace and the --set values.</summary>
public sealed record ChartCase(string Name, string Chart, string Release, string Namespace, IReadOnlyList<string> Values)
{
    public const string Operator = "charts/autotune";
    public const string SampleStack = "charts/sample-stack";

    /// <summary>The matrix: default values, namespaced, two replicas, monitoring on, all of them, and the sample stack.</summary>
    public static IReadOnlyList<ChartCase> All { get; } =
    [
        new("default", Operator, "autotune", "autotune-system", []),
        new("namespaced", Operator, "autotune", "autotune-system", ["watchNamespaces={shop,web}"]),
        new("two-replicas", Operator, "autotune", "autotune-system", ["replicas=2"]),
        new("monitoring", Operator, "autotune", "autotune-system",
            ["serviceMonitor.enabled=true", "prometheusRule.enabled=true", "grafanaDashboard.enabled=true"]),
        new("everything", Operator, "ops", "ops", [
            "watchNamespaces={shop}", "replicas=3", "serviceMonitor.enabled=true", "prometheusRule.enabled=true",
            "grafanaDashboard.enabled=true", "leaderElection.leaseNamespace=ops", "prometheusRule.workloadSelector=namespace=\"shop\""]),
        new("sample-stack", SampleStack, "demo", "demo", []),
        new("sample-stack-with-apituning", SampleStack, "demo", "demo", ["apiTuning.create=true"]),

        // What the K3s suite installs (tests/Autotune.Operator.Tests/Kubernetes/Scenarios/K3sInstall.cs, compiled here too).
        new(K3sOperator, Operator, K3sInstall.OperatorRelease, K3sInstall.OperatorNamespace, K3sInstall.OperatorValues),
        new(K3sRecommendStack, SampleStack, "shop", "recommend-k3s", K3sInstall.SampleStackValues(apiTuning: true, mode: "Recommend")),
        new(K3sHpaStack, SampleStack, "orders", "hpa-k3s", K3sInstall.SampleStackValues(apiTuning: false)),
    ];

    public const string K3sOperator = "k3s-operator";
    public const string K3sRecommendStack = "k3s-sample-stack-recommend";
    public const string K3sHpaStack = "k3s-sample-stack-hpa";

    public static ChartCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>The case names, for theories.</summary>
    public static TheoryData<string> Names() => new(All.Select(c => c.Name));

    /// <summary>The --set arguments as helm takes them.</summary>
    public IEnumerable<string> SetArguments() => Values.SelectMany(v => new[] { "--set", v });

    public override string ToString() => Name;
}
