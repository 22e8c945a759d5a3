namespace Autotune.Simulation.Tests;

/// <summary>The repository the tests run in.</summary>
internal static class Repo
{
    /// <summary>The directory holding Autotune.sln above the test binaries.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Autotune.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
