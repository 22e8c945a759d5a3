namespace Autotune.Engine.Tests.Spec;

/// <summary>Files of the repository the tests read (the CRD and its examples), found from the test's directory.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Crd => Path.Combine(Root, "crds", "apituning.yaml");

    public static string BudgetCrd => Path.Combine(Root, "crds", "databasebudget.yaml");

    /// <summary>The ApiTuning examples of crds/examples.</summary>
    public static IEnumerable<string> Examples => AllExamples.Where(p => !IsBudget(p));

    /// <summary>The DatabaseBudget examples of crds/examples.</summary>
    public static IEnumerable<string> BudgetExamples => AllExamples.Where(IsBudget);

    private static IEnumerable<string> AllExamples =>
        Directory.GetFiles(Path.Combine(Root, "crds", "examples"), "*.yaml").Order(StringComparer.Ordinal);

    private static bool IsBudget(string path) =>
        File.ReadLines(path).Any(l => l.Trim() == "kind: DatabaseBudget");

    public static IEnumerable<string> InvalidExamples =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Spec", "Invalid"), "*.yaml").Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autotune.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Autotune.sln not found above " + AppContext.BaseDirectory);
    }
}
