using System.Text.Json.Nodes;
using Serving.Engine.ChatTemplates;

namespace Serving.Engine.Tests.ChatTemplates;

public partial class ChatTemplateTests
{
    private static readonly DateTimeOffset FixedNow = new(2024, 7, 26, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_RaiseException_ThrowsTemplateMessage()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Render("a{{ raise_exception('Only ' ~ 2 ~ ' roles') }}", "{}"));

        Assert.Equal("Only 2 roles", error.Message);
        Assert.True(error.RaisedByTemplate);
    }

    [Theory]
    [InlineData("{{ 'a' + 1 }}")]
    [InlineData("{{ undefined_fn() }}")]
    [InlineData("{{ 1 / 0 }}")]
    [InlineData("{% for x in none %}{% endfor %}")]
    [InlineData("{% set d = {} %}{% set d.x = 1 %}")]
    [InlineData("{{ [1, 2] | items }}")]
    [InlineData("{{ [{'k': 1}, {'k': 'a'}] | sort(attribute='k') }}")]
    public void Render_TypeError_ThrowsEngineError(string template)
    {
        var error = Assert.Throws<ChatTemplateException>(() => Render(template, "{}"));

        Assert.False(error.RaisedByTemplate);
    }

    [Theory]
    [InlineData("{{ x | no_such_filter }}", "no filter named 'no_such_filter'")]
    [InlineData("{% if x is no_such_test %}{% endif %}", "no test named 'no_such_test'")]
    [InlineData("{% include 'x' %}", "unknown tag 'include'")]
    [InlineData("{% if true %}a", "expected 'endif'")]
    [InlineData("{% for x in y %}a{% endif %}", "unexpected 'endif', expected 'endfor'")]
    [InlineData("{% break %}", "'break' outside of a loop")]
    [InlineData("{{ 'unterminated }}", "unterminated string literal")]
    [InlineData("{# open comment", "missing end of comment tag")]
    [InlineData("{{ (1 }}", "unexpected '}'")]
    [InlineData("{{ x.99999999999999999999 }}", "too large")]
    public void Parse_InvalidTemplate_ThrowsWithReason(string template, string reason)
    {
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(error.RaisedByTemplate);
    }

    public static TheoryData<string> DeeplyNested => new()
    {
        "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}",
        "{{ " + string.Concat(Enumerable.Repeat("not ", 100_000)) + "1 }}",
        "{{ 1" + string.Concat(Enumerable.Repeat(" if 0 else 1", 100_000)) + " }}",
        string.Concat(Enumerable.Repeat("{% if true %}", 100_000)),
        "{{ " + new string('[', 100_000) + new string(']', 100_000) + " }}",
    };

    [Theory]
    [MemberData(nameof(DeeplyNested))]
    public void Parse_DeeplyNested_ThrowsInsteadOfOverflowingTheStack(string template)
    {
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template));

        Assert.Contains("nested too deeply", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LongOperatorChain_ThrowsInsteadOfOverflowingTheStack()
    {
        // Parsed iteratively into a left-deep tree 500k levels deep; evaluating it recursively must fail cleanly.
        var template = ChatTemplate.Parse("{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 500_000)) + " }}");

        var error = Assert.Throws<ChatTemplateException>(() => template.Render(ChatTemplateContext.FromVariables([], FixedNow)));

        Assert.Contains("nested too deeply", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}", "loop iterations")]
    [InlineData("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "nested deeper than")]
    [InlineData("{{ 'x' * 100000000 }}", "output limit")]
    [InlineData("{{ 'xy' * 9223372036854775807 }}", "output limit")]
    [InlineData("{{ [1, 2] * 4611686018427387904 }}", "output limit")]
    [InlineData("{% set ns = namespace(s='xx') %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", "output limit")]
    [InlineData("{% for i in range(100000) %}{{ 'abcdefghij' * 100 }}{% endfor %}", "output limit")]
    [InlineData("{{ range(10000000000) | length }}", "limit")]
    public void Render_RunawayTemplate_HitsLimit(string template, string reason)
    {
        var limits = new ChatTemplateLimits { MaxOutputChars = 1_000_000, MaxSteps = 100_000, MaxDepth = 64 };
        var context = ChatTemplateContext.FromVariables([], FixedNow);

        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template).Render(context, limits));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_StrftimeNow_UsesInjectedClock()
    {
        var template = ChatTemplate.Parse("{{ strftime_now('%d %b %Y %H:%M') }}");
        var context = ChatTemplateContext.FromVariables([], new DateTimeOffset(2025, 1, 3, 14, 5, 0, TimeSpan.FromHours(2)));

        Assert.Equal("03 Jan 2025 14:05", template.Render(context));
    }

    [Fact]
    public void Render_TypedContext_DefinesOnlyGivenVariables()
    {
        var template = ChatTemplate.Parse(
            "{{ bos_token }}|{{ messages | length }}|{{ add_generation_prompt }}|{{ tools is defined }}|{{ eos_token is defined }}|{{ documents | length }}");
        var context = new ChatTemplateContext
        {
            Messages = [new JsonObject { ["role"] = "user", ["content"] = "hi" }],
            AddGenerationPrompt = true,
            SpecialTokens = new Dictionary<string, string> { ["bos_token"] = "<s>" },
            ExtraVariables = new Dictionary<string, JsonNode?> { ["documents"] = new JsonArray(1, 2) },
            Now = FixedNow,
        };

        Assert.Equal("<s>|1|True|False|False|2", template.Render(context));
    }

    [Fact]
    public void Render_ExtraVariables_OverrideSpecialTokens()
    {
        var template = ChatTemplate.Parse("{{ bos_token }}");
        var context = new ChatTemplateContext
        {
            SpecialTokens = new Dictionary<string, string> { ["bos_token"] = "<s>" },
            ExtraVariables = new Dictionary<string, JsonNode?> { ["bos_token"] = "<override>" },
            Now = FixedNow,
        };

        Assert.Equal("<override>", template.Render(context));
    }

    [Fact]
    public void Render_JsonNumbers_KeepIntAndFloatApart()
    {
        Assert.Equal("1|1.0|[1, 2.5]|{\"a\": 1.0}", Render("{{ a }}|{{ b }}|{{ c }}|{{ d | tojson }}", "{\"a\": 1, \"b\": 1.0, \"c\": [1, 2.5], \"d\": {\"a\": 1.0}}"));
    }

    [Fact]
    public void Render_SameTemplateTwice_IsIndependent()
    {
        var template = ChatTemplate.Parse("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}");
        var context = ChatTemplateContext.FromVariables(JsonNode.Parse("{\"messages\": [1, 2, 3]}")!.AsObject(), FixedNow);

        Assert.Equal("3", template.Render(context));
        Assert.Equal("3", template.Render(context));
    }

    private static string Render(string template, string variablesJson) =>
        ChatTemplate.Parse(template).Render(ChatTemplateContext.FromVariables(JsonNode.Parse(variablesJson)!.AsObject(), FixedNow));
}
