using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Autotune.Demo.Proof;

/// <summary>What the benchmark ran on: cores, CPU model, OS, runtime, and the load average (the machine is shared).</summary>
public static class Machine
{
    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 3 ? $"{parts[0]} / {parts[1]} / {parts[2]} (1 / 5 / 15 min)" : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>Cores, CPU model, OS and runtime in one line.</summary>
    public static string Description()
    {
        var model = "unknown CPU";
        try
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? model;
        }
        catch (IOException)
        {
            // Not Linux: the model stays unknown.
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores ({model}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    }

    /// <summary>The commit the benchmark's code was built from (<c>git describe --always --dirty</c>), or "unknown".</summary>
    public static string SourceCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "describe --always --dirty --abbrev=12")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            });
            if (git is null)
            {
                return "unknown";
            }

            var text = git.StandardOutput.ReadToEnd().Trim();
            return git.WaitForExit(10_000) && git.ExitCode == 0 && text.Length > 0 ? text : "unknown";
        }
        catch (Win32Exception)
        {
            return "unknown";
        }
    }
}
