namespace Autotune.Operator.Local;

/// <summary>
/// The database restart command ended with a non-zero exit code. Its message quotes the command's last output, for
/// the log only; status, Events and console lines say the exit code (<see cref="Reconcile.FailureText"/>).
/// </summary>
public sealed class RestartCommandFailedException(string command, int exitCode, string lastOutput)
    : InvalidOperationException($"the restart command {command} exited with {exitCode}: {lastOutput}")
{
    /// <summary>The command's file name (its first word, without the directory).</summary>
    public string Command { get; } = Path.GetFileName(command);

    /// <summary>The command's exit code (128 + n when signal n ended it).</summary>
    public int ExitCode { get; } = exitCode;
}
