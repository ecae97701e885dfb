// The `deepnet` tool: see CliApp for the commands.
return DeepNet.Cli.CliApp.Run(args, Console.Out, Console.Error);
