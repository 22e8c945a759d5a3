using System.Globalization;
using System.Runtime.InteropServices;
using Autotune.Demo;

// Ctrl-C (SIGINT) or SIGTERM cancels the run; every phase then stops what it started before the process exits.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var scenario = new DemoScenario();
var results = args.Length >= 2 && args[0] == "--results"
    ? Path.GetFullPath(args[1])
    : Path.Combine(SampleApiCommand.RepositoryRoot(), ".demo", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
Directory.CreateDirectory(results);
await using var log = new StreamWriter(Path.Combine(results, "console.log"));
var output = TextWriter.Synchronized(new TeeWriter(Console.Out, log));

try
{
    return await new DemoRun(scenario, results, output).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await output.WriteLineAsync("demo: interrupted; PostgreSQL, Redis, the API processes and the temporary directories are stopped and removed");
    return 130;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    if (!stop.IsCancellationRequested)
    {
        Console.Error.WriteLine("demo: stopping everything it started...");
        stop.Cancel();
    }
}
