using System.Runtime.InteropServices;
using Autotune.Contracts;

namespace Autotune.Agent.Tests;

/// <summary>
/// A tuning file laid out the way the kubelet mounts a ConfigMap: <c>tuning.json -> ..data/tuning.json</c>,
/// <c>..data -> ..&lt;timestamp&gt;</c>, and an update writes a new timestamped directory and renames a new
/// <c>..data</c> symlink over the old one (one atomic swap).
/// </summary>
internal sealed class TuningDirectory : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("autotune-tuning-");
    private int _version;

    public string Path => System.IO.Path.Combine(_root.FullName, AgentEnvironment.ConfigMapKey);

    /// <summary>Publishes a file by an atomic symlink swap.</summary>
    public void Write(TuningFile file) => Swap(file.ToJson());

    /// <summary>Publishes arbitrary text by an atomic symlink swap.</summary>
    public void Swap(string text)
    {
        var version = $"..v{++_version}";
        var versionDir = System.IO.Path.Combine(_root.FullName, version);
        Directory.CreateDirectory(versionDir);
        File.WriteAllText(System.IO.Path.Combine(versionDir, AgentEnvironment.ConfigMapKey), text);

        var temp = System.IO.Path.Combine(_root.FullName, "..data_tmp");
        File.Delete(temp);
        File.CreateSymbolicLink(temp, version);
        // rename(2) replaces the old ..data link in one step; File.Move refuses a link to a directory.
        if (Rename(temp, System.IO.Path.Combine(_root.FullName, "..data")) != 0)
        {
            throw new IOException($"rename failed with errno {Marshal.GetLastPInvokeError()}");
        }

        if (!File.Exists(Path) && new FileInfo(Path).LinkTarget is null)
        {
            File.CreateSymbolicLink(Path, System.IO.Path.Combine("..data", AgentEnvironment.ConfigMapKey));
        }
    }

    /// <summary>Overwrites the file's target in place (what a careless local writer does: a reader may see it half-written).</summary>
    public void WriteText(string text)
    {
        if (_version == 0)
        {
            Swap(text);
            return;
        }

        File.WriteAllText(Path, text);
    }

    /// <summary>Removes the file (the symlink), as when the ConfigMap key is deleted.</summary>
    public void Delete() => File.Delete(Path);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    public void Dispose()
    {
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
