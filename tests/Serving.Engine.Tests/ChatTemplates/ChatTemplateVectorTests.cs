using Serving.Engine.ChatTemplates;

namespace Serving.Engine.Tests.ChatTemplates;

/// <summary>Every public vector of ../shared/testdata/chat_templates renders byte-identical to the reference engines.</summary>
public class ChatTemplateVectorTests
{
    public static IEnumerable<object[]> CaseIds => ChatTemplateCases.Ids;

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Render_PublicVector_MatchesReference(string id)
    {
        var testCase = ChatTemplateCases.Get(id);
        var template = ChatTemplateCases.Template((string)testCase["template"]!);
        var context = ChatTemplateContext.FromVariables(testCase["variables"]!.AsObject(), ChatTemplateCases.FixedNow);

        if (testCase["expected_error"] is { } expectedError)
        {
            var error = Assert.Throws<ChatTemplateException>(() => template.Render(context));
            Assert.Equal((string)expectedError!, error.Message);
            Assert.True(error.RaisedByTemplate);
        }
        else
        {
            Assert.Equal((string)testCase["expected"]!, template.Render(context));
        }
    }

    public static IEnumerable<object[]> DisagreementIds => ChatTemplateCases.PythonDisagreementIds;

    [Theory]
    [MemberData(nameof(DisagreementIds))]
    public void Render_DisputedCase_MatchesPythonJinja2(string id)
    {
        var testCase = ChatTemplateCases.GetDisagreement(id);
        var template = ChatTemplateCases.Template((string)testCase["template"]!);
        var context = ChatTemplateContext.FromVariables(testCase["variables"]!.AsObject(), ChatTemplateCases.FixedNow);

        Assert.Equal((string)testCase["python_jinja2"]!["expected"]!, template.Render(context));
    }

    [Fact]
    public void Cases_PublicFile_HasAllVectors()
    {
        Assert.Equal(254, ChatTemplateCases.Ids.Count());
    }
}
