using System.Globalization;
using System.Text;
using Autotune.EngineBench;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Autotune.EngineBench [-- --out bench/results/engine-cost.md]
var output = args.Length == 2 && args[0] == "--out" ? args[1]
    : args.Length == 0 ? null
    : throw new ArgumentException("usage: Autotune.EngineBench [--out FILE]");
var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
var config = ManualConfig.CreateMinimumViable()
    .AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(15))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
var summary = BenchmarkRunner.Run<EngineCost>(config);
var loadAfter = File.ReadAllText("/proc/loadavg").Split(' ')[..3];

var rows = summary.Reports
    .Where(r => r.ResultStatistics is not null)
    .Select(r => (
        Name: r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
        MeanMs: r.ResultStatistics!.Mean / 1e6,
        ErrorMs: r.ResultStatistics.StandardError / 1e6,
        P95Ms: r.ResultStatistics.Percentiles.P95 / 1e6,
        Bytes: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)))
    .ToList();
var whole = rows.SingleOrDefault(r => r.Name == nameof(EngineCost.Parse_window_and_decide_for_3_pods));
if (whole.Name is null)
{
    Console.Error.WriteLine("the whole-window benchmark did not produce a result");
    return 1;
}

var text = new StringBuilder();
var c = CultureInfo.InvariantCulture;
text.AppendLine("# The engine's cost per ApiTuning and window");
text.AppendLine();
text.AppendLine(c, $"Measured by `dotnet run -c Release --project bench/Autotune.EngineBench -- --out bench/results/engine-cost.md` (BenchmarkDotNet {typeof(BenchmarkRunner).Assembly.GetName().Version}, one launch, 5 warm-up and 15 measured iterations) on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
text.AppendLine(c, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average {string.Join(' ', load)} at the start, {string.Join(' ', loadAfter)} at the end (a load above the core count means other work competed and the times are overstated).");
text.AppendLine();
text.AppendLine("One ApiTuning's window as the operator handles it: 3 pods scraped 6 times each, every scrape parsed into the window's compact form by the pod's scrape-loop parser (one series table shared), the window built, and a decision made. The scrapes are six successive captures of the sample API's /metrics (47 KB, 368 lines each) recorded while wrk drove an 80/20 read/write mix at it (`bench/engine/captures/`), served as each of the 3 pods; the spec is `crds/examples/complete.yaml`.");
text.AppendLine();
text.AppendLine("| target | result | measured |");
text.AppendLine("| --- | --- | --- |");
text.AppendLine(c, $"| parse 3 pods' scrapes, window and decide for one ApiTuning under 2 ms | **{(whole.MeanMs < 2 ? "met" : "not met")}** | {whole.MeanMs:0.000} ms mean ({whole.MeanMs:0.0} core-seconds per window for 1,000 ApiTunings) |");
text.AppendLine();
text.AppendLine("| benchmark | mean ms | ± standard error ms | P95 ms | allocated per operation |");
text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
foreach (var r in rows)
{
    text.AppendLine(c, $"| {r.Name.Replace('_', ' ')} | {r.MeanMs:0.0000} | {r.ErrorMs:0.0000} | {r.P95Ms:0.0000} | {r.Bytes / 1024.0:0.0} KB |");
}

Console.WriteLine(text);
if (output is not null)
{
    File.WriteAllText(output, text.ToString());
}

return 0;
