using System.Text;
using System.Text.Json.Nodes;
using Serving.Engine.ChatTemplates;

namespace Serving.Engine.Tests.ChatTemplates;

/// <summary>Random token soup must either render or fail with <see cref="ChatTemplateException"/>: any other exception
/// would surface as a server error instead of a 400.</summary>
public class ChatTemplateFuzzTests
{
    private static readonly string[] Pieces =
    [
        "{{", "}}", "{%", "%}", "{#", "#}", "{{-", "-}}", "{%-", "-%}", " ", "\n", "text", "'s'", "\"q\\n\"", "'\\u00e9'",
        "0", "1", "-1", "2.5", "x", "messages", "m", "loop", "ns", "none", "true", "false", "if", "elif", "else", "endif",
        "for", "in", "endfor", "set", "endset", "macro", "endmacro", "call", "endcall", "with", "endwith", "filter", "endfilter",
        "break", "continue", "raw", "endraw", "not", "and", "or", "is", "defined", "none", "string", "mapping", "iterable",
        "equalto", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "=", "==", "!=", "<", ">", "+", "-", "*", "/", "//", "%",
        "**", "~", "trim", "tojson", "length", "items", "join", "map", "select", "selectattr", "rejectattr", "list", "string",
        "int", "round", "indent", "default", "first", "last", "sort", "dictsort", "format", "replace", "reverse", "unique",
        "namespace", "range", "dict", "strftime_now", "raise_exception", "role", "content", "strip", "split", "get", "keys",
        "upper", "startswith", "index0", "last", "previtem", "nextitem", "caller", "attribute", "::-1", "'%s'", "'{}'",
        "9223372036854775807", "1e308", "[::0]", "'%d %(k)s %'", "'{0}{x}{'", "-9223372036854775807", "abs", "float", "sum", "min", "count",
        "{none: 1}", "range(3)", "range(-3, 3, 2)", "(1, 2)", "[1, [2]]", "{'a': {'b': 1}}", "| format(1)", "| int(base=16)",
        "| round(2, 'floor')", "| indent(3, true)", "| tojson(indent=2)", "| sort(attribute='k')", "| map(attribute='role')",
        "| selectattr('role', 'equalto', 'user')", ".split(', ')", ".replace('', 'x')", "[-1]", "[1:]", "* 3", "% 2",
    ];

    [Fact]
    public void ParseAndRender_RandomTokenSoup_ThrowsOnlyChatTemplateException()
    {
        var random = new Random(42);
        var limits = new ChatTemplateLimits { MaxOutputChars = 100_000, MaxSteps = 10_000, MaxDepth = 32 };
        var context = ChatTemplateContext.FromVariables(
            JsonNode.Parse("""{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "c"}]}], "x": [1, "a", {"k": 2.5}]}""")!.AsObject(),
            new DateTimeOffset(2024, 7, 26, 0, 0, 0, TimeSpan.Zero));
        var rendered = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var source = RandomTemplate(random);
            try
            {
                ChatTemplate.Parse(source).Render(context, limits);
                rendered++;
            }
            catch (ChatTemplateException)
            {
                // Expected for most soups.
            }
            catch (Exception e)
            {
                Assert.Fail($"template {source} threw {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(rendered > 100, $"only {rendered} random templates rendered; the generator is not exercising the evaluator");
    }

    private static readonly string[] Shapes =
    [
        "{{ # }}", "{% if # %}a{% else %}b{% endif %}", "{% for v in # %}{{ # }}{% endfor %}", "{% set s = # %}{{ s }}",
        "{{ # | # }}", "{% for k, v in # %}{{ k }}{% endfor %}", "{% macro f(a) %}{{ # }}{% endmacro %}{{ f(#) }}", "#",
    ];

    /// <summary>Token soup, often dropped into a well-formed statement shape so the evaluator is reached.</summary>
    private static string RandomTemplate(Random random)
    {
        var shape = Shapes[random.Next(Shapes.Length)];
        var sb = new StringBuilder();
        foreach (var part in shape.Split('#'))
        {
            if (sb.Length > 0 || shape.StartsWith('#'))
            {
                sb.Append(RandomTokens(random));
            }

            sb.Append(part);
        }

        return sb.ToString();
    }

    private static string RandomTokens(Random random)
    {
        var sb = new StringBuilder();
        var count = random.Next(1, 8);
        for (var i = 0; i < count; i++)
        {
            sb.Append(Pieces[random.Next(Pieces.Length)]);
            if (random.Next(3) == 0)
            {
                sb.Append(' ');
            }
        }

        return sb.ToString();
    }
}
