using Autotune.Operator.Cli;

return await AutotuneCommand.Create().Parse(args).InvokeAsync();
