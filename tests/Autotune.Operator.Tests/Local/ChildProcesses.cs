using System.Globalization;
using System.Text.RegularExpressions;

namespace Autotune.Operator.Tests.Local;

/// <summary>Process ids that test commands print ("child 1234"), and whether those processes still run.</summary>
internal static partial class ChildProcesses
{
    /// <summary>The pid a command printed after <paramref name="label"/>.</summary>
    public static int PrintedPid(string output, string label)
    {
        var match = Regex.Match(output, $@"{Regex.Escape(label)} (\d+)");
        return match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"no '{label} <pid>' in: {output}");
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }
}
