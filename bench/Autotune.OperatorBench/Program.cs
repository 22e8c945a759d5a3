using System.Globalization;
using Autotune.OperatorBench;

// bench/Autotune.OperatorBench [--tunings 1000 --namespaces 20 --pods 2 --window 60 --scrapes 6 --passes 3 --steady 60 --in-process --report path]
// With --faults SECONDS [--fault-every 5]: the fault soak (FaultSoak) instead, the controller in this process.
// With --process-kill [--kill-after-writes 4]: the operator in a child process killed with SIGKILL mid-change (ProcessKillSoak).
// The same program, started as `operator URL N`, is the operator under test in its own process.
if (args is ["operator", var url, var expected])
{
    return await OperatorSide.RunChildAsync(url, int.Parse(expected, CultureInfo.InvariantCulture));
}

// Started as `soak-operator URL IDENTITY TOKEN`: one leader-elected instance of the process-kill soak (ProcessKillSoak).
if (args is [SoakOperatorChild.Command, var soakUrl, var identity, var token])
{
    return await SoakOperatorChild.RunAsync(soakUrl, identity, token);
}

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var options = BenchOptions.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var command = "dotnet run -c Release --project bench/Autotune.OperatorBench -- " + string.Join(' ', args);
if (options.ProcessKill)
{
    var killed = ProcessKillReport.Format(await ProcessKillSoak.RunAsync(options, line => Console.Error.WriteLine(line), cancel.Token), command);
    Console.WriteLine(killed);
    if (options.ReportPath is { } killPath)
    {
        await File.WriteAllTextAsync(killPath, killed);
    }

    return 0;
}

if (options.FaultSeconds > 0)
{
    var soak = FaultSoakReport.Format(await FaultSoak.RunAsync(options, line => Console.Error.WriteLine(line), cancel.Token), command);
    Console.WriteLine(soak);
    if (options.ReportPath is { } soakPath)
    {
        await File.WriteAllTextAsync(soakPath, soak);
    }

    return 0;
}

var result = await BenchRun.RunAsync(options, line => Console.Error.WriteLine(line), cancel.Token);
var report = BenchReport.Format(result, command);
Console.WriteLine(report);
if (options.ReportPath is { } path)
{
    await File.WriteAllTextAsync(path, report);
}

return 0;
