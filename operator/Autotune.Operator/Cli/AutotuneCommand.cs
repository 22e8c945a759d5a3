using System.CommandLine;
using Autotune.Operator.Local;

namespace Autotune.Operator.Cli;

/// <summary>
/// The command line: <c>autotune operator</c> runs the operator in a cluster, <c>autotune local</c> on one machine,
/// <c>autotune recommend</c> prints an ApiTuning's settings for git.
/// </summary>
public static class AutotuneCommand
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("Autotune keeps an ASP.NET Core + PostgreSQL API on its latency objective at the lowest cost.");
        root.Subcommands.Add(OperatorCommand.Create());
        root.Subcommands.Add(Local());
        root.Subcommands.Add(RecommendCommand.Create());
        return root;
    }

    private static Command Local()
    {
        var spec = new Option<FileInfo>("--spec") { Description = "The ApiTuning YAML (the file you would kubectl apply)", Required = true };
        var metricsUrl = new Option<string[]>("--metrics-url") { Description = "Metrics URL of a running API process (repeat for each); replicas are then recommended only", AllowMultipleArgumentsPerToken = false };
        var tuningFile = new Option<string>("--tuning-file") { Description = "The tuning file the agents read (AUTOTUNE_TUNING_FILE)", Required = true };
        var apiPort = new Option<int>("--api-port") { Description = "HTTP port of each replica local mode starts", DefaultValueFactory = _ => 8080 };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Metrics port of each replica local mode starts", DefaultValueFactory = _ => 9464 };
        var replicas = new Option<int?>("--replicas") { Description = "Replicas to start with (default: the replicas budget's minimum, or 1)" };
        var adminEnv = new Option<string>("--postgres-admin-env") { Description = "Environment variable holding the PostgreSQL admin connection string", DefaultValueFactory = _ => "AUTOTUNE_POSTGRES_ADMIN" };
        var restart = new Option<string?>("--postgres-restart") { Description = "Command that restarts the PostgreSQL server, e.g. 'pg_ctl restart -w -D /path' (split on spaces)" };
        var windows = new Option<int?>("--windows") { Description = "Stop after this many windows (default: run until interrupted)" };
        var record = new Option<string?>("--record") { Description = "Append every window and Event to this JSON-lines file" };
        var command = new Argument<string[]>("api-command") { Description = "After --: the command that starts one API process", Arity = ArgumentArity.ZeroOrMore };

        var local = new Command("local", "Run the operator on one machine against running API processes, or start them with the command after --")
        {
            spec, metricsUrl, tuningFile, apiPort, metricsPort, replicas, adminEnv, restart, windows, record, command,
        };
        local.SetAction(async (result, cancellationToken) =>
        {
            var options = new LocalOptions
            {
                SpecPath = result.GetValue(spec)!.FullName,
                MetricsUrls = result.GetValue(metricsUrl) ?? [],
                ApiCommand = result.GetValue(command) ?? [],
                TuningFile = result.GetValue(tuningFile)!,
                ApiPort = result.GetValue(apiPort),
                MetricsPort = result.GetValue(metricsPort),
                InitialReplicas = result.GetValue(replicas),
                PostgresAdminEnv = result.GetValue(adminEnv)!,
                PostgresRestart = result.GetValue(restart)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
                Windows = result.GetValue(windows),
                RecordPath = result.GetValue(record),
            };
            return await LocalMode.RunAsync(options, Console.Out, Console.Error, cancellationToken);
        });
        return local;
    }
}
