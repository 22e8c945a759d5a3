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
    ];

    public static ChartCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>The case names, for theories.</summary>
    public static TheoryData<string> Names() => new(All.Select(c => c.Name));

    /// <summary>The --set arguments as helm takes them.</summary>
    public IEnumerable<string> SetArguments() => Values.SelectMany(v => new[] { "--set", v });

    public override string ToString() => Name;
}
