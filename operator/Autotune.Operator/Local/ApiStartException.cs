namespace Autotune.Operator.Local;

/// <summary>
/// An API process local mode started did not come up: it could not be started, exited while starting, or did not
/// serve its metrics in time. The message is one line naming the command, the exit code and the last lines of the
/// process's output (stack frames left out), for the user to read as it is.
/// </summary>
public sealed class ApiStartException : InvalidOperationException
{
    /// <summary>Creates the exception; <paramref name="what"/> says what went wrong ("exited with code 3 while starting replica 0").</summary>
    public ApiStartException(string command, string what, int? exitCode, string lastOutput, Exception? inner = null)
        : base($"the API command '{command}' {what}{(lastOutput.Length > 0 ? "; last output: " + lastOutput : "; it wrote nothing")}", inner)
    {
        Command = command;
        ExitCode = exitCode;
        LastOutput = lastOutput;
    }

    /// <summary>The command as given, arguments joined by spaces (quoted where they hold one).</summary>
    public string Command { get; }

    /// <summary>Its exit code, or null when it did not start or was still running.</summary>
    public int? ExitCode { get; }

    /// <summary>Its last lines of output, joined with " | ".</summary>
    public string LastOutput { get; }

    /// <summary>The command for a one-line message: each argument that holds a space quoted, line breaks written as <c>\n</c>.</summary>
    public static string Display(IEnumerable<string> command) =>
        string.Join(' ', command
            .Select(a => a.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
            .Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Length == 0 ? $"\"{a}\"" : a));
}
