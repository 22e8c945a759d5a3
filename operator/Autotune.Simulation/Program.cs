using Autotune.Simulation.Cli;

return SimulationCommands.Run(args, Console.Out);
