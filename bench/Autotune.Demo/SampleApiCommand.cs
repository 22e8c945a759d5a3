namespace Autotune.Demo;

/// <summary>Finds the repository and the sample API built beside the demo, and the command that starts one API process.</summary>
public static class SampleApiCommand
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The repository root: the nearest directory above the demo that holds Autotune.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autotune.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Autotune.sln was not found above the demo; run it from a clone of the repository (scripts/demo.sh)");
    }

    /// <summary>The command that starts one sample API process (its apphost, so ps shows SampleApi).</summary>
    public static IReadOnlyList<string> Create(string repositoryRoot)
    {
        var dir = Path.Combine(repositoryRoot, "sample-api", "SampleApi", "bin", Configuration, "net10.0");
        var apphost = Path.Combine(dir, "SampleApi");
        if (File.Exists(apphost))
        {
            return [apphost];
        }

        var dll = Path.Combine(dir, "SampleApi.dll");
        return File.Exists(dll)
            ? ["dotnet", dll]
            : throw new InvalidOperationException($"the sample API is not built at {dir}; run: dotnet build -c {Configuration} bench/Autotune.Demo");
    }
}
