namespace Autotune.KubeApi.Tests;

/// <summary>Files of the repository, found by walking up from the test binaries to the folder holding Autotune.sln.</summary>
internal static class RepoFiles
{
    public static string Path(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Autotune.sln")))
        {
            dir = dir.Parent;
        }

        return System.IO.Path.Combine([dir?.FullName ?? throw new DirectoryNotFoundException("Autotune.sln not found above the test binaries"), .. parts]);
    }
}
