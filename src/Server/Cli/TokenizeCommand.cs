using System.Globalization;
using Serving.Engine.Gguf;
using Serving.Engine.Tokenization;

namespace Serving.Server.Cli;

/// <summary><c>serving tokenize --model PATH --text TEXT [--no-bos] [--parse-special] [--json]</c>: prints the token ids of a
/// text, with BOS as the model's metadata asks unless <c>--no-bos</c>.</summary>
internal static class TokenizeCommand
{
    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal) { "no-bos", "parse-special", "json" };

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CliArgs.Parse(args, Switches);
        var modelPath = options.Require("model");
        var text = options.Require("text");
        var addSpecial = !options.Flag("no-bos");
        var parseSpecial = options.Flag("parse-special");
        var json = options.Flag("json");
        options.EnsureAllRead();

        var tokenizer = Load(modelPath);
        var ids = tokenizer.Encode(text, addSpecial, parseSpecial);
        if (json)
        {
            await Console.Out.WriteLineAsync($"{{\"token_ids\": [{string.Join(", ", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)))}]}}");
            return 0;
        }

        foreach (var id in ids)
        {
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{id,8}  {tokenizer.TokenText(id)}"));
        }

        return 0;
    }

    private static Tokenizer Load(string modelPath)
    {
        try
        {
            using var file = GgufFile.Open(modelPath);
            return Tokenizer.FromGguf(file);
        }
        catch (Exception e) when (e is FileNotFoundException or GgufFormatException or NotSupportedException)
        {
            throw new CliException(e.Message);
        }
    }
}
