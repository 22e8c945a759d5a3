using System.Globalization;
using System.Runtime.InteropServices;
using Autotune.Demo;
using Autotune.Demo.Proof;

// Ctrl-C (SIGINT) or SIGTERM cancels the run; every phase then stops what it started before the process exits.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// `calibrate --knees FILE [--out FILE]` fits the simulator to a proof run's knees (docs/proof.md); it starts no stack.
if (args.Length > 0 && args[0] == "calibrate")
{
    return await CalibrateCommand.RunAsync(args[1..], Console.Out, Console.Error, stop.Token);
}

// `proof [options]` runs the proof benchmark (docs/proof.md); anything else runs the demo (docs/demo.md).
var proof = args.Length > 0 && args[0] == "proof";
var root = SampleApiCommand.RepositoryRoot();
var results = Path.Combine(root, proof ? ".proof" : ".demo", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
ProofOptions? proofOptions = null;
if (proof)
{
    try
    {
        proofOptions = ProofOptions.Parse(args[1..], Path.Combine(root, "bench", "results", "tuning.md"), Path.Combine(results, "tuning.md")) with { RecordsDirectory = results };
    }
    catch (Exception ex) when (ex is ArgumentException or FormatException)
    {
        await Console.Error.WriteLineAsync($"proof: {ex.Message}");
        return 2;
    }
}
else if (args.Length >= 2 && args[0] == "--results")
{
    results = Path.GetFullPath(args[1]);
}

Directory.CreateDirectory(results);
await using var log = new StreamWriter(Path.Combine(results, "console.log"));
var output = TextWriter.Synchronized(new TeeWriter(Console.Out, log));

try
{
    return proofOptions is not null
        ? await new ProofRun(proofOptions, "bash bench/proof.sh " + string.Join(' ', args[1..]), output).RunAsync(stop.Token)
        : await new DemoRun(new DemoScenario(), results, output).RunAsync(stop.Token);
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
