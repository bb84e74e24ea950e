using Serving.LoadTests.Cli;

if (args.Length == 0 || args[0] != "run")
{
    await Console.Error.WriteLineAsync(RunCommand.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await RunCommand.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token);
