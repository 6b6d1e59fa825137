using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions;

namespace Orchestrator.Grains.Tests.Expressions;

public sealed class CompiledExpressionTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly ExpressionContext Context = new()
    {
        State = JsonNode.Parse("""
            {"quality_score": 5, "threshold": 7, "name": "review", "tags": ["a", "b"], "nested": {"deep": {"value": 42}},
             "empty": "", "zero": 0, "list": [], "flag": true, "items": [{"id": 1}, {"id": 2}, {"id": 3}]}
            """),
        Input = JsonNode.Parse("""{"user": "ada"}"""),
        Nodes = JsonNode.Parse("""{"extract": {"output": {"count": 2}}}"""),
        Iteration = 3,
        Data = JsonValue.Create(12.5),
        Item = JsonNode.Parse("""{"id": 9}"""),
        Attempt = 2,
        Clock = new FakeClock(new DateTimeOffset(2025, 1, 31, 9, 30, 0, 123, TimeSpan.FromHours(2))),
    };

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 4 - 3", "3")]
    [InlineData("2 * 3 % 4", "2")]
    [InlineData("-2 * 3", "-6")]
    [InlineData("- (2 + 3)", "-5")]
    [InlineData("7 / 2", "3.5")]
    [InlineData("1 + 2 == 3", "true")]
    [InlineData("1 < 2 == 2 < 3", "true")]
    [InlineData("true || false && false", "true")]
    [InlineData("(true || false) && false", "false")]
    [InlineData("!true || true", "true")]
    [InlineData("!(true || true)", "false")]
    [InlineData("1 > 2 ? 'a' : 2 > 1 ? 'b' : 'c'", "\"b\"")]
    [InlineData("1e3 + 0.5", "1000.5")]
    public void Evaluate_HonoursPrecedenceAndAssociativity(string expression, string expected)
    {
        Assert.Equal(expected, Evaluate(expression));
    }

    [Theory]
    [InlineData("state.quality_score >= state.threshold", "false")]
    [InlineData("state.quality_score < state.threshold", "true")]
    [InlineData("state.nested.deep.value", "42")]
    [InlineData("state[\"nested\"]['deep'].value", "42")]
    [InlineData("state.tags[0]", "\"a\"")]
    [InlineData("state.tags[-1]", "\"b\"")]
    [InlineData("state.items[1].id", "2")]
    [InlineData("input.user", "\"ada\"")]
    [InlineData("nodes.extract.output.count", "2")]
    [InlineData("iteration", "3")]
    [InlineData("attempt", "2")]
    [InlineData("data * 2", "25")]
    [InlineData("item.id", "9")]
    [InlineData("state.name + '-' + iteration", "\"review-3\"")]
    [InlineData("'\\u0041\\n' + \"\\\"q\\\"\"", "\"A\\n\\\"q\\\"\"")]
    [InlineData("[1, 'two', state.flag]", "[1,\"two\",true]")]
    [InlineData("{a: 1, 'b c': [state.zero]}", "{\"a\":1,\"b c\":[0]}")]
    [InlineData("[1, 2] + [3]", "[1,2,3]")]
    [InlineData("{a: 1} == {a: 1}", "true")]
    [InlineData("[1, {b: 2}] == [1, {b: 2}]", "true")]
    [InlineData("1 == '1'", "false")]
    [InlineData("'abc' < 'abd'", "true")]
    [InlineData("null == null", "true")]
    public void Evaluate_ReadsContextAndLiterals(string expression, string expected)
    {
        Assert.Equal(expected, Evaluate(expression));
    }

    [Theory]
    [InlineData("state.missing", "null")]
    [InlineData("state.missing.deeper.still", "null")]
    [InlineData("state.name.length", "null")]
    [InlineData("state.tags[10]", "null")]
    [InlineData("state.tags['x']", "null")]
    [InlineData("state.missing >= state.threshold", "false")]
    [InlineData("state.missing < state.threshold", "false")]
    [InlineData("state.missing == null", "true")]
    [InlineData("state.missing != 1", "true")]
    [InlineData("state[state.missing]", "null")]
    [InlineData("nodes.nobody.output", "null")]
    public void Evaluate_YieldsNull_WhenMembersAreMissing(string expression, string expected)
    {
        Assert.Equal(expected, Evaluate(expression));
    }

    [Fact]
    public void Evaluate_YieldsNull_WhenContextIsEmpty()
    {
        Assert.Null(CompiledExpression.Parse("state.a.b").Evaluate(ExpressionContext.Empty));
        Assert.False(CompiledExpression.Parse("state.score >= state.threshold").EvaluateCondition(ExpressionContext.Empty));
    }

    [Theory]
    [InlineData("false && 1 / 0", "false")]
    [InlineData("true || 1 / 0", "true")]
    [InlineData("true ? 1 : 1 / 0", "1")]
    [InlineData("default(1, 1 / 0)", "1")]
    [InlineData("default(state.missing, 'fallback')", "\"fallback\"")]
    public void Evaluate_ShortCircuits_WithoutEvaluatingTheOtherSide(string expression, string expected)
    {
        Assert.Equal(expected, Evaluate(expression));
    }

    [Theory]
    [InlineData("null", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("''", false)]
    [InlineData("[]", false)]
    [InlineData("{}", false)]
    [InlineData("state.missing", false)]
    [InlineData("1", true)]
    [InlineData("-0.5", true)]
    [InlineData("'false'", true)]
    [InlineData("[0]", true)]
    [InlineData("{a: null}", true)]
    [InlineData("state", true)]
    public void EvaluateCondition_FollowsTruthinessRules(string expression, bool expected)
    {
        Assert.Equal(expected, CompiledExpression.Parse(expression).EvaluateCondition(Context));
    }

    [Theory]
    [InlineData("len(state.tags)", "2")]
    [InlineData("len(state.name)", "6")]
    [InlineData("len('héllo😀')", "6")]
    [InlineData("len(state.nested)", "1")]
    [InlineData("len(state.missing)", "0")]
    [InlineData("contains(state.name, 'view')", "true")]
    [InlineData("contains(state.name, 'x')", "false")]
    [InlineData("contains(state.tags, 'b')", "true")]
    [InlineData("contains(state.items, {id: 2})", "true")]
    [InlineData("contains(state.nested, 'deep')", "true")]
    [InlineData("contains(state.missing, 'x')", "false")]
    [InlineData("now()", "\"2025-01-31T07:30:00.123Z\"")]
    [InlineData("now() > '2025-01-01'", "true")]
    [InlineData("string(42) + string(null) + string(true)", "\"42true\"")]
    [InlineData("string(state.tags)", "\"[\\\"a\\\",\\\"b\\\"]\"")]
    [InlineData("number('2.5') * 2", "5")]
    [InlineData("number(true)", "1")]
    [InlineData("number(state.missing)", "null")]
    [InlineData("default(state.name, 'x')", "\"review\"")]
    [InlineData("default(state.zero, 5)", "0")]
    public void Evaluate_CallsBuiltInFunctions(string expression, string expected)
    {
        Assert.Equal(expected, Evaluate(expression));
    }

    [Theory]
    [InlineData("state.", 7, "expected a member name after '.' but found end of expression")]
    [InlineData("len(state.x", 12, "expected ',' or ')' but found end of expression")]
    [InlineData("1 +* 2", 4, "expected a value but found '*'")]
    [InlineData("state.a = 1", 9, "unexpected character '='; use '==' to compare")]
    [InlineData("state & 1", 7, "unexpected character '&'; use '&&'")]
    [InlineData("state | 1", 7, "unexpected character '|'; use '||'")]
    [InlineData("'open", 1, "unterminated string")]
    [InlineData("'bad \\q'", 6, "invalid escape '\\q'")]
    [InlineData("stat.x", 1, "unknown name 'stat'")]
    [InlineData("upper(state.name)", 1, "unknown function 'upper'")]
    [InlineData("state(1)", 1, "unknown function 'state'")]
    [InlineData("len(1, 2)", 1, "len() takes 1 argument, not 2")]
    [InlineData("1 2", 3, "expected an operator or the end of the expression but found number 2")]
    [InlineData("{a: 1, a: 2}", 8, "member 'a' appears twice")]
    [InlineData("true ? 1", 9, "expected ':' of the conditional")]
    [InlineData("", 1, "the expression is empty")]
    [InlineData("1e", 3, "expected digits after the exponent")]
    public void Parse_ReportsTextAndOneBasedPosition_WhenExpressionIsInvalid(string expression, int position, string detail)
    {
        var error = Assert.Throws<ExpressionException>(() => CompiledExpression.Parse(expression));

        Assert.Equal(position, error.Position);
        Assert.Equal(expression, error.Expression);
        Assert.StartsWith(detail, error.Detail, StringComparison.Ordinal);
        Assert.Equal($"{error.Detail} at position {position} in '{expression}'", error.Message);
    }

    [Theory]
    [InlineData("state.name - 1", 12, "cannot apply '-' to string and number")]
    [InlineData("state.missing + 1", 15, "cannot add null and number")]
    [InlineData("state.flag + 1", 12, "cannot add boolean and number")]
    [InlineData("1 / state.zero", 3, "division by zero")]
    [InlineData("5 % 0", 3, "division by zero")]
    [InlineData("-state.name", 1, "cannot negate string")]
    [InlineData("state.name < 3", 12, "cannot compare string and number")]
    [InlineData("len(state.zero)", 11, "len() takes a string, array or object, not number")]
    [InlineData("number('abc')", 8, "cannot convert \"abc\" to a number")]
    [InlineData("state.tags[0.5]", 12, "an index must be a whole number")]
    [InlineData("1e308 * 10", 7, "the result of '*' is not a finite number")]
    public void Evaluate_ReportsPosition_WhenOperationFails(string expression, int position, string detail)
    {
        var error = Assert.Throws<ExpressionException>(() => CompiledExpression.Parse(expression).Evaluate(Context));

        Assert.Equal(position, error.Position);
        Assert.StartsWith(detail, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Fails_WhenStepBudgetIsExceeded()
    {
        var expression = CompiledExpression.Parse(string.Join(" + ", Enumerable.Repeat("1", 20)));

        var error = Assert.Throws<ExpressionException>(() => expression.Evaluate(Context with { MaxSteps = 10 }));

        Assert.Contains("exceeded its budget of 10 steps", error.Message, StringComparison.Ordinal);
        Assert.Equal("20", expression.Evaluate(Context)!.ToJsonString());
    }

    [Fact]
    public void Evaluate_Fails_WhenAFunctionScansMoreElementsThanTheDefaultBudget()
    {
        var big = new JsonArray();
        for (var i = 0; i < DefinitionLimits.MaxExpressionSteps + 1; i++)
        {
            big.Add(i);
        }

        var context = new ExpressionContext { State = new JsonObject { ["big"] = big } };

        var error = Assert.Throws<ExpressionException>(() => CompiledExpression.Parse("contains(state.big, -1)").Evaluate(context));

        Assert.Contains($"budget of {DefinitionLimits.MaxExpressionSteps} steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Fails_WhenNestingIsDeeperThanTheLimit()
    {
        // The expression itself is the first level, so the limit allows one parenthesis fewer.
        var deepest = new string('(', DefinitionLimits.MaxExpressionDepth - 1) + "1" + new string(')', DefinitionLimits.MaxExpressionDepth - 1);

        var error = Assert.Throws<ExpressionException>(() => CompiledExpression.Parse($"({deepest})"));

        Assert.Contains("nested too deeply", error.Message, StringComparison.Ordinal);
        Assert.Equal(DefinitionLimits.MaxExpressionDepth + 1, error.Position);
        Assert.Equal("1", CompiledExpression.Parse(deepest).Evaluate(Context)!.ToJsonString());
    }

    [Fact]
    public void Parse_Fails_WhenExpressionIsLongerThanTheLimit()
    {
        var error = Assert.Throws<ExpressionException>(() => CompiledExpression.Parse("'" + new string('x', DefinitionLimits.MaxExpressionBytes) + "'"));

        Assert.Contains("longer than 4096 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400);
    }

    [Fact]
    public void Evaluate_ReturnsCopies_SoContextIsNeverChangedOrReparented()
    {
        var state = new JsonObject { ["list"] = new JsonArray(1, 2), ["obj"] = new JsonObject { ["a"] = 1 } };
        var context = new ExpressionContext { State = state };

        var whole = CompiledExpression.Parse("state").Evaluate(context)!;
        var list = CompiledExpression.Parse("state.list").Evaluate(context)!;
        var wrapped = CompiledExpression.Parse("[state.obj, state]").Evaluate(context)!;
        whole["added"] = 1;
        list.AsArray().Add(3);
        var adopter = new JsonObject { ["adopted"] = wrapped };

        Assert.Equal("""{"list":[1,2],"obj":{"a":1}}""", state.ToJsonString());
        Assert.Null(state.Parent);
        Assert.Same(adopter, wrapped.Parent);
    }

    [Fact]
    public void CompiledExpression_CanBeEvaluatedManyTimes_FromManyThreads()
    {
        var expression = CompiledExpression.Parse("item * 2 + 1");

        var results = Enumerable.Range(0, 1_000).AsParallel()
            .Select(i => expression.Evaluate(new ExpressionContext { Item = i })!.GetValue<long>())
            .ToList();

        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (long)(i * 2) + 1).Order(), results.Order());
    }

    [Fact]
    public void ReferencedNodes_ListsNodesReadThroughNodes()
    {
        var expression = CompiledExpression.Parse("nodes.a.output + nodes['b'].output + len(state.nodes.c)");

        Assert.Equal(["a", "b"], expression.ReferencedNodes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExpressionCache_ParsesEachTextOnce()
    {
        var cache = new ExpressionCache();

        var first = cache.GetExpression("state.a + 1");
        var second = cache.GetExpression("state.a + 1");

        Assert.Same(first, second);
        Assert.Same(cache.GetTemplate("x ${state.a}"), cache.GetTemplate("x ${state.a}"));
        Assert.Equal(2, cache.Count);
        Assert.Throws<ExpressionException>(() => cache.GetExpression("state."));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void ExpressionCache_StaysWithinCapacity()
    {
        var cache = new ExpressionCache(capacity: 3);

        for (var i = 0; i < 10; i++)
        {
            cache.GetExpression($"{i} + 1");
        }

        Assert.InRange(cache.Count, 1, 3);
    }

    private static string Evaluate(string expression) =>
        CompiledExpression.Parse(expression).Evaluate(Context)?.ToJsonString(Relaxed) ?? "null";
}
