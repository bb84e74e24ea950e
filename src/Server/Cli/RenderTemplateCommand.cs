using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serving.Engine.ChatTemplates;
using Serving.Engine.Gguf;

namespace Serving.Server.Cli;

/// <summary><c>serving render-template (--template FILE | --model PATH) --vars JSON|@FILE [--now 2024-07-26T00:00:00]</c>:
/// prints the rendered prompt exactly (no newline added). A template error or <c>raise_exception</c> exits with 3.</summary>
internal static class RenderTemplateCommand
{
    private const int TemplateErrorExitCode = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CliArgs.Parse(args, new HashSet<string>(StringComparer.Ordinal));
        var templatePath = options.Get("template");
        var modelPath = options.Get("model");
        var variables = ReadVariables(options.Require("vars"));
        var now = options.Get("now") is { } nowText ? ParseNow(nowText) : TimeProvider.System.GetLocalNow();
        options.EnsureAllRead();
        try
        {
            var (template, specialTokens) = (templatePath, modelPath) switch
            {
                ({ } path, null) => (ChatTemplate.Parse(ReadFile(path)), null),
                (null, { } path) => LoadFromModel(path),
                _ => throw new CliException("give exactly one of --template FILE or --model PATH"),
            };
            var context = ChatTemplateContext.FromVariables(variables, now);
            if (specialTokens is not null)
            {
                // Variables given in --vars still win over the model's tokens, as keyword arguments do in transformers.
                context = context with { SpecialTokens = specialTokens };
            }

            var text = template.Render(context);
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(Encoding.UTF8.GetBytes(text));
            return 0;
        }
        catch (ChatTemplateException e)
        {
            throw new CliException(e.Message, TemplateErrorExitCode);
        }
    }

    private static (ChatTemplate Template, IReadOnlyDictionary<string, string>? SpecialTokens) LoadFromModel(string path)
    {
        GgufFile file;
        try
        {
            file = GgufFile.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or GgufFormatException)
        {
            throw new CliException($"cannot read model '{path}': {e.Message}");
        }

        using (file)
        {
            var model = ModelChatTemplate.FromGguf(file);
            if (model.IsFallback)
            {
                Console.Error.WriteLine($"note: {path} has no tokenizer.chat_template; using the ChatML fallback");
            }

            return (model.Template, model.SpecialTokens);
        }
    }

    /// <summary><c>--vars</c> is a JSON object, given inline or as <c>@path</c>.</summary>
    private static JsonObject ReadVariables(string value)
    {
        var json = value.StartsWith('@') ? ReadFile(value[1..]) : value;
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new CliException("--vars must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new CliException($"--vars is not valid JSON: {e.Message}");
        }
    }

    private static DateTimeOffset ParseNow(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var now)
            ? now
            : throw new CliException($"--now: '{text}' is not a date and time such as 2024-07-26T00:00:00");

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }
}
