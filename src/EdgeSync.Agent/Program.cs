using EdgeSync.Agent.Cli;

return await CliApp.RunAsync(args);
