using System.CommandLine;
using Autotune.Operator.Cli;

// SIGTERM cancels the command's token; the operator then gets time to finish or abandon its pass in flight.
return await AutotuneCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
