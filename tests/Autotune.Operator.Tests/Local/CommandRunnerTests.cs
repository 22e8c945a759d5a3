using System.Diagnostics;
using Autotune.Operator.Local;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Xunit;

namespace Autotune.Operator.Tests.Local;

public sealed class CommandRunnerTests
{
    [Fact]
    public async Task Kills_a_command_that_outlives_its_timeout_together_with_the_processes_it_started()
    {
        var ct = TestContext.Current.CancellationToken;
        var started = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            CommandRunner.RunAsync(["sh", "-c", "sleep 300 & echo \"child $!\"; wait"], TimeSpan.FromSeconds(1), ct));

        // The backgrounded child holds the output pipe: only the kill of the whole tree ends it before the grace.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1) + CommandRunner.OutputGrace, $"took {started.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("killed with its child processes", error.Message, StringComparison.Ordinal);
        var child = ChildProcesses.PrintedPid(error.Message, "child");
        await Eventually.UntilAsync(() => !ChildProcesses.IsRunning(child), TimeSpan.FromSeconds(5), $"process {child} ended");
    }

    [Fact]
    public async Task Returns_the_exit_code_and_the_last_lines_of_output_of_a_failing_command()
    {
        var ct = TestContext.Current.CancellationToken;

        // Both streams into one pipe: lines on two pipes arrive in no defined order, and the test is about the last ones.
        var result = await CommandRunner.RunAsync(["sh", "-c", "exec 2>&1; for i in 1 2 3 4 5 6 7; do echo line $i; done; echo broken >&2; exit 3"], TimeSpan.FromSeconds(30), ct);

        Assert.Equal(3, result.ExitCode);
        var last = result.Output.Last(3);
        Assert.Contains("broken", last, StringComparison.Ordinal);
        Assert.DoesNotContain("line 1", last, StringComparison.Ordinal);
        Assert.Equal(3, last.Split(" | ").Length);
    }

    [Fact]
    public async Task Reads_what_a_command_writes_to_standard_error()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await CommandRunner.RunAsync(["sh", "-c", "echo broken >&2; exit 4"], TimeSpan.FromSeconds(30), ct);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("broken", result.Output.Last(3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_reading_after_the_grace_when_a_process_left_behind_holds_the_output_open()
    {
        var ct = TestContext.Current.CancellationToken;
        var started = Stopwatch.StartNew();

        var result = await CommandRunner.RunAsync(["sh", "-c", "sleep 300 & echo \"orphan $!\""], TimeSpan.FromSeconds(30), ct);

        var orphan = ChildProcesses.PrintedPid(result.Output.ToString(), "orphan");
        try
        {
            Assert.Equal(0, result.ExitCode);
            Assert.True(started.Elapsed < CommandRunner.OutputGrace + TimeSpan.FromSeconds(3), $"took {started.Elapsed.TotalSeconds:0.0} s");
            Assert.True(ChildProcesses.IsRunning(orphan), "the command exited normally: what it left behind is not the runner's to kill");
        }
        finally
        {
            Process.GetProcessById(orphan).Kill();
        }
    }
}
