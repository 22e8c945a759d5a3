using System.Globalization;

namespace Autotune.KubeApi.Cli;

/// <summary>
/// A kubeconfig in a temporary folder that points kubectl and helm at a test server (plain HTTP, an optional bearer
/// token), with the folder also holding their caches, so no run reads or writes the user's ~/.kube. Deleted on dispose.
/// </summary>
public sealed class KubeConfigFile : IDisposable
{
    private KubeConfigFile(DirectoryInfo folder)
    {
        Folder = folder.FullName;
        Path = System.IO.Path.Combine(Folder, "kubeconfig");
        CacheDirectory = System.IO.Path.Combine(Folder, "cache");
    }

    /// <summary>The folder holding the kubeconfig and the caches.</summary>
    public string Folder { get; }

    /// <summary>The kubeconfig file (pass it as --kubeconfig).</summary>
    public string Path { get; }

    /// <summary>kubectl's discovery and HTTP cache (pass it as --cache-dir).</summary>
    public string CacheDirectory { get; }

    /// <summary>Writes a kubeconfig whose current context is <paramref name="server"/>, as <paramref name="token"/>'s user when given, in <paramref name="namespace"/>.</summary>
    public static KubeConfigFile For(string server, string? token = null, string @namespace = "default")
    {
        var file = new KubeConfigFile(Directory.CreateTempSubdirectory("autotune-kubeconfig-"));
        var user = token is null ? "{}" : string.Create(CultureInfo.InvariantCulture, $"{{token: \"{token}\"}}");
        File.WriteAllText(file.Path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test-server
              cluster: {"{"}server: "{server}"{"}"}
            users:
            - name: test-user
              user: {user}
            contexts:
            - name: test
              context: {"{"}cluster: test-server, user: test-user, namespace: "{@namespace}"{"}"}
            current-context: test

            """);
        return file;
    }

    /// <summary>Removes the folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A kubectl still exiting may hold its cache open; the temporary folder is left to the system.
        }
    }
}
