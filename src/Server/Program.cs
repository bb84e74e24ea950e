using Serving.Server.Cli;

return await CliApp.RunAsync(args);
