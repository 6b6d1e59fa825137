using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Expressions;

namespace Orchestrator.Grains.Tests.Expressions;

public sealed class TemplateTests
{
    private static readonly ExpressionContext Context = new()
    {
        State = JsonNode.Parse("""{"name": "ada", "score": 7.5, "tags": ["x", "y"], "info": {"ok": true}, "nothing": null}"""),
        Data = JsonValue.Create(42),
        Iteration = 4,
    };

    [Fact]
    public void Render_YieldsRawValue_WhenStringIsExactlyOnePlaceholder()
    {
        var renderer = new TemplateRenderer();

        Assert.Equal("""{"name":"ada","score":7.5,"tags":["x","y"],"info":{"ok":true},"nothing":null}""", renderer.RenderString("${state}", Context)!.ToJsonString());
        Assert.Equal("42", renderer.RenderString("${data}", Context)!.ToJsonString());
        Assert.Equal("[\"x\",\"y\"]", renderer.RenderString("${ state.tags }", Context)!.ToJsonString());
        Assert.Null(renderer.RenderString("${state.missing}", Context));
    }

    [Theory]
    [InlineData("Hello ${state.name}!", "Hello ada!")]
    [InlineData("${state.name}${state.name}", "adaada")]
    [InlineData("score=${state.score}, iteration=${iteration}", "score=7.5, iteration=4")]
    [InlineData("tags: ${state.tags}", "tags: [\"x\",\"y\"]")]
    [InlineData("info: ${state.info}", "info: {\"ok\":true}")]
    [InlineData("[${state.missing}]", "[]")]
    [InlineData("${state.name} ", "ada ")]
    [InlineData("cost $${notATemplate} and ${1 + 1}", "cost ${notATemplate} and 2")]
    [InlineData("${ {a: '}'}.a }", "}")]
    [InlineData("plain text, no placeholders", "plain text, no placeholders")]
    [InlineData("a lone $ and { brace }", "a lone $ and { brace }")]
    public void Render_InterpolatesText_WhenPlaceholdersSitInsideText(string template, string expected)
    {
        Assert.Equal(expected, new TemplateRenderer().RenderString(template, Context)!.GetValue<string>());
    }

    [Fact]
    public void Render_WalksObjectsAndArrays_WithoutChangingTheTemplate()
    {
        var template = JsonNode.Parse("""
            {"url": "http://x/${state.name}", "body": "${state.info}", "args": ["--n", "${data}", "${data}-th"], "count": 3, "flag": false,
             "${state.name}": "keys are not rendered"}
            """);
        var before = template!.ToJsonString();

        var rendered = new TemplateRenderer().Render(template, Context)!;

        Assert.Equal(
            """{"url":"http://x/ada","body":{"ok":true},"args":["--n",42,"42-th"],"count":3,"flag":false,"${state.name}":"keys are not rendered"}""",
            rendered.ToJsonString());
        Assert.Equal(before, template.ToJsonString());
    }

    [Fact]
    public void Render_RendersNodeConfig_FromJsonElements()
    {
        var config = new Dictionary<string, JsonElement>
        {
            ["command"] = JsonSerializer.SerializeToElement(new JsonArray("store-reading", "${data}")),
            ["value"] = JsonSerializer.SerializeToElement("${data}"),
            ["count"] = JsonSerializer.SerializeToElement(2),
        };

        var rendered = new TemplateRenderer().Render(config, Context);

        Assert.Equal("""{"command":["store-reading",42],"value":42,"count":2}""", rendered.ToJsonString());
    }

    [Fact]
    public void RenderText_StringifiesEvenASinglePlaceholder()
    {
        var renderer = new TemplateRenderer();

        Assert.Equal("42", renderer.RenderText("${data}", Context));
        Assert.Equal("{\"ok\":true}", renderer.RenderText("${state.info}", Context));
        Assert.Equal("", renderer.RenderText("${state.nothing}", Context));
    }

    [Theory]
    [InlineData("Hello ${state.}", 15, "expected a member name after '.' but found '}'")]
    [InlineData("Hello ${state.name", 7, "'${' is not closed by '}'")]
    [InlineData("a ${} b", 3, "'${}' has no expression in it")]
    [InlineData("x ${1 +} y", 8, "expected a value but found '}'")]
    [InlineData("${state.name state.name}", 14, "expected an operator or '}'")]
    public void Parse_ReportsPositionWithinTheWholeString_WhenPlaceholderIsInvalid(string template, int position, string detail)
    {
        var error = Assert.Throws<ExpressionException>(() => CompiledTemplate.Parse(template));

        Assert.Equal(position, error.Position);
        Assert.Equal(template, error.Expression);
        Assert.StartsWith(detail, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ReportsPosition_WhenPlaceholderFailsToEvaluate()
    {
        var error = Assert.Throws<ExpressionException>(() => new TemplateRenderer().RenderString("n=${state.name * 2}", Context));

        Assert.Equal(16, error.Position);
        Assert.Contains("cannot apply '*' to string and number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompiledTemplate_DescribesItsShape()
    {
        Assert.True(CompiledTemplate.Parse("${state}").IsSingleExpression);
        Assert.False(CompiledTemplate.Parse(" ${state}").IsSingleExpression);
        Assert.False(CompiledTemplate.Parse("plain").HasExpressions);
        Assert.False(CompiledTemplate.Parse("$${escaped}").HasExpressions);
        Assert.Equal(["a"], CompiledTemplate.Parse("${nodes.a.output} ${state.b}").ReferencedNodes);
    }
}
