namespace Autotune.Simulation.Scenarios;

/// <summary>Every named scenario, in the order the results report them.</summary>
public static class ScenarioCatalog
{
    /// <summary>All scenarios.</summary>
    public static IReadOnlyList<Scenario> All { get; } =
    [
        ThreadAndPoolScenarios.ThreadStarvation(),
        ThreadAndPoolScenarios.TinyPool(),
        ThreadAndPoolScenarios.RemoteDatabase(),
        DatabaseScenarios.DatabaseBound(),
        LoadScenarios.CpuBound(),
        DatabaseScenarios.SharedDatabase(),
        LoadScenarios.Spike(),
        LoadScenarios.Diurnal(),
        LoadScenarios.OverProvisioned(),
        DatabaseScenarios.MaxConnectionsTooLow(restartAllowed: true),
        DatabaseScenarios.MaxConnectionsTooLow(restartAllowed: false),
        DatabaseScenarios.BrokenBudgetAtStart(),
        DatabaseScenarios.Backfire(),
        ThreadAndPoolScenarios.NoisyAndMissingMetrics(),
        CollapseScenarios.DemoCollapse(),
        KneeScenarios.BusyAsyncFromDefaults(),
        KneeScenarios.BusyAsyncOverProvisioned(),
    ];

    /// <summary>The scenario called <paramref name="name"/>.</summary>
    public static Scenario Get(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no scenario '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}", nameof(name));
}
