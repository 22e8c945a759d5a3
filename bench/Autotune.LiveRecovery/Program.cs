using System.Globalization;
using System.Runtime.InteropServices;
using Autotune.LiveRecovery;

// Ctrl-C (SIGINT) or SIGTERM cancels the run; the API processes, PostgreSQL and Redis are stopped on the way out.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

RecoveryOptions options;
try
{
    options = RecoveryOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync($"live-recovery: {ex.Message}");
    return 2;
}

var root = RepositoryRoot();
var command = SampleApi(root);
var contentRoot = Path.GetDirectoryName(command[^1])!;
var results = Path.Combine(root, ".live-recovery", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
Directory.CreateDirectory(results);
var output = TextWriter.Synchronized(Console.Out);
var loadAverage = (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0];
var machine = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, load average at the start {loadAverage}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

try
{
    await using var stack = await RecoveryStack.StartAsync(stop.Token);
    var run = new RecoveryRun(stack, options, command, contentRoot, output);
    var runs = new List<RecoveryResult>();
    var invocation = "bash bench/live-recovery.sh " + string.Join(' ', args);
    var reportPath = Path.Combine(results, "report.md");

    // The report is rewritten after every run, so a run that fails (an API process that never became ready on the
    // loaded machine) loses only itself.
    async Task RunAsync(string name, bool shedding, Fix fix, bool shedWithFix = false)
    {
        try
        {
            runs.Add(await run.RunAsync(name, shedding, fix, stop.Token, shedWithFix));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or OperationCanceledException && !stop.IsCancellationRequested)
        {
            await output.WriteLineAsync($"live-recovery: {name} did not run: {ex.Message}");
        }

        await File.WriteAllTextAsync(reportPath, ReportWriter.Write(runs, options, invocation, machine));
    }

    for (var round = 0; round < options.Rounds; round++)
    {
        // Alternate which goes first, so drift on a shared machine does not favour one side.
        foreach (var shedding in round % 2 == 0 ? new[] { false, true } : [true, false])
        {
            await RunAsync(string.Create(CultureInfo.InvariantCulture, $"shedding {(shedding ? "on" : "off")} #{round + 1}"), shedding, Fix.Live);
        }

        if (options.ShedWithFix)
        {
            await RunAsync(string.Create(CultureInfo.InvariantCulture, $"shedding turned on with the fix #{round + 1}"), shedding: false, Fix.Live, shedWithFix: true);
        }
    }

    if (options.Controls)
    {
        await RunAsync("control: fixed from the start", shedding: false, Fix.FromStart);
        await RunAsync("control: shedding on, never fixed", shedding: true, Fix.Never);
    }

    await output.WriteLineAsync(await File.ReadAllTextAsync(reportPath));
    await output.WriteLineAsync($"live-recovery: report in {reportPath}");
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await output.WriteLineAsync("live-recovery: interrupted; everything it started is stopped");
    return 130;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Autotune.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Autotune.sln was not found above the benchmark; run it from a clone (bench/live-recovery.sh)");
}

static IReadOnlyList<string> SampleApi(string root)
{
    var dir = Path.Combine(root, "sample-api", "SampleApi", "bin", "Release", "net10.0");
    var apphost = Path.Combine(dir, "SampleApi");
    return File.Exists(apphost) ? [apphost]
        : File.Exists(Path.Combine(dir, "SampleApi.dll")) ? ["dotnet", Path.Combine(dir, "SampleApi.dll")]
        : throw new InvalidOperationException($"the sample API is not built at {dir}; run: dotnet build -c Release bench/Autotune.LiveRecovery");
}
