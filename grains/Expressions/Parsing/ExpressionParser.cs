using System.Text.Json.Nodes;
using Orchestrator.Definitions;
using Orchestrator.Expressions.Syntax;

namespace Orchestrator.Expressions.Parsing;

/// <summary>
/// A recursive-descent parser. From the loosest binding to the tightest: <c>?:</c>, <c>||</c>, <c>&amp;&amp;</c>,
/// <c>== !=</c>, <c>&lt; &lt;= &gt; &gt;=</c>, <c>+ -</c>, <c>* / %</c>, unary <c>! -</c>, then member access,
/// indexing and calls. Binary operators associate to the left; <c>?:</c> to the right.
/// </summary>
internal sealed class ExpressionParser
{
    private readonly string _source;
    private readonly ExpressionTokenizer _tokenizer;
    private readonly HashSet<string> _referencedNodes = new(StringComparer.Ordinal);
    private ExpressionToken _current;
    private int _depth;

    private ExpressionParser(string source, int start)
    {
        _source = source;
        _tokenizer = new ExpressionTokenizer(source, start);
        _current = _tokenizer.Next();
    }

    /// <summary>Parses the whole of <paramref name="source"/> as one expression.</summary>
    public static ParsedExpression Parse(string source)
    {
        var parser = new ExpressionParser(source, 0);
        if (parser._current.Kind == TokenKind.End)
        {
            throw new ExpressionException(source, 1, "the expression is empty");
        }

        var root = parser.ParseExpression();
        if (parser._current.Kind != TokenKind.End)
        {
            throw parser.Unexpected("an operator or the end of the expression");
        }

        return new ParsedExpression(root, parser._referencedNodes);
    }

    /// <summary>
    /// Parses the expression of a <c>${…}</c> whose body starts at the 0-based <paramref name="start"/>, and
    /// returns the index of its closing brace in <paramref name="closingBrace"/>.
    /// </summary>
    public static ParsedExpression ParseEmbedded(string source, int start, out int closingBrace)
    {
        var parser = new ExpressionParser(source, start);
        if (parser._current.Kind == TokenKind.RightBrace)
        {
            throw new ExpressionException(source, start - 1, "'${}' has no expression in it");
        }

        if (parser._current.Kind == TokenKind.End)
        {
            throw new ExpressionException(source, start - 1, "'${' is not closed by '}'");
        }

        var root = parser.ParseExpression();
        if (parser._current.Kind == TokenKind.End)
        {
            throw new ExpressionException(source, start - 1, "'${' is not closed by '}'");
        }

        if (parser._current.Kind != TokenKind.RightBrace)
        {
            throw parser.Unexpected("an operator or '}'");
        }

        closingBrace = parser._current.Start;
        return new ParsedExpression(root, parser._referencedNodes);
    }

    private ExpressionNode ParseExpression()
    {
        Enter();
        var condition = ParseOr();
        if (_current.Kind == TokenKind.Question)
        {
            var position = Advance().Position;
            var whenTrue = ParseExpression();
            Expect(TokenKind.Colon, "':' of the conditional");
            var whenFalse = ParseExpression();
            condition = new ConditionalNode(position, condition, whenTrue, whenFalse);
        }

        _depth--;
        return condition;
    }

    private ExpressionNode ParseOr()
    {
        var left = ParseAnd();
        while (_current.Kind == TokenKind.OrOr)
        {
            var position = Advance().Position;
            left = new LogicalNode(position, isAnd: false, left, ParseAnd());
        }

        return left;
    }

    private ExpressionNode ParseAnd()
    {
        var left = ParseEquality();
        while (_current.Kind == TokenKind.AndAnd)
        {
            var position = Advance().Position;
            left = new LogicalNode(position, isAnd: true, left, ParseEquality());
        }

        return left;
    }

    private ExpressionNode ParseEquality()
    {
        var left = ParseRelational();
        while (_current.Kind is TokenKind.EqualEqual or TokenKind.BangEqual)
        {
            var token = Advance();
            var op = token.Kind == TokenKind.EqualEqual ? BinaryOperator.Equal : BinaryOperator.NotEqual;
            left = new BinaryNode(token.Position, op, token.Text, left, ParseRelational());
        }

        return left;
    }

    private ExpressionNode ParseRelational()
    {
        var left = ParseAdditive();
        while (_current.Kind is TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual)
        {
            var token = Advance();
            var op = token.Kind switch
            {
                TokenKind.Less => BinaryOperator.Less,
                TokenKind.LessEqual => BinaryOperator.LessOrEqual,
                TokenKind.Greater => BinaryOperator.Greater,
                _ => BinaryOperator.GreaterOrEqual,
            };
            left = new BinaryNode(token.Position, op, token.Text, left, ParseAdditive());
        }

        return left;
    }

    private ExpressionNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (_current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var token = Advance();
            var op = token.Kind == TokenKind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract;
            left = new BinaryNode(token.Position, op, token.Text, left, ParseMultiplicative());
        }

        return left;
    }

    private ExpressionNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (_current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var token = Advance();
            var op = token.Kind switch
            {
                TokenKind.Star => BinaryOperator.Multiply,
                TokenKind.Slash => BinaryOperator.Divide,
                _ => BinaryOperator.Remainder,
            };
            left = new BinaryNode(token.Position, op, token.Text, left, ParseUnary());
        }

        return left;
    }

    private ExpressionNode ParseUnary()
    {
        if (_current.Kind is not (TokenKind.Bang or TokenKind.Minus))
        {
            return ParsePostfix();
        }

        var token = Advance();
        Enter();
        var operand = ParseUnary();
        _depth--;
        if (token.Kind == TokenKind.Minus && operand is LiteralNode literal && ExpressionValues.TryGetNumber(literal.Value, out var number))
        {
            return new LiteralNode(token.Position, ExpressionValues.Number(-number));
        }

        return new UnaryNode(token.Position, token.Kind == TokenKind.Bang ? UnaryOperator.Not : UnaryOperator.Negate, operand);
    }

    private ExpressionNode ParsePostfix()
    {
        var target = ParsePrimary();
        while (true)
        {
            if (_current.Kind == TokenKind.Dot)
            {
                Advance();
                if (_current.Kind != TokenKind.Identifier)
                {
                    throw Unexpected("a member name after '.'");
                }

                var name = Advance();
                NoteNodeReference(target, name.Text);
                target = new MemberNode(name.Position, target, name.Text);
            }
            else if (_current.Kind == TokenKind.LeftBracket)
            {
                var position = Advance().Position;
                var index = ParseExpression();
                Expect(TokenKind.RightBracket, "']'");
                if (index is LiteralNode literal && ExpressionValues.TryGetString(literal.Value, out var name))
                {
                    NoteNodeReference(target, name);
                }

                target = new IndexNode(position, target, index);
            }
            else
            {
                return target;
            }
        }
    }

    private ExpressionNode ParsePrimary()
    {
        var token = _current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new LiteralNode(token.Position, ExpressionValues.Number(token.Number));
            case TokenKind.String:
                Advance();
                return new LiteralNode(token.Position, JsonValue.Create(token.Text));
            case TokenKind.Identifier:
                Advance();
                return ParseName(token);
            case TokenKind.LeftParen:
                Advance();
                var inner = ParseExpression();
                Expect(TokenKind.RightParen, "')'");
                return inner;
            case TokenKind.LeftBracket:
                return ParseArray();
            case TokenKind.LeftBrace:
                return ParseObject();
            default:
                throw Unexpected("a value");
        }
    }

    private ExpressionNode ParseName(ExpressionToken name)
    {
        switch (name.Text)
        {
            case "true": return new LiteralNode(name.Position, JsonValue.Create(true));
            case "false": return new LiteralNode(name.Position, JsonValue.Create(false));
            case "null": return new LiteralNode(name.Position, null);
        }

        if (_current.Kind == TokenKind.LeftParen)
        {
            return ParseCall(name);
        }

        if (name.Text == Nodes.Secrets.SecretReference.Root && _current.Kind == TokenKind.Dot)
        {
            // secret.NAME yields a marker, never the value: only the executors that may use secrets resolve it.
            Advance();
            if (_current.Kind != TokenKind.Identifier)
            {
                throw Unexpected("a secret's name after 'secret.'");
            }

            var secret = Advance();
            return new LiteralNode(name.Position, JsonValue.Create(Nodes.Secrets.SecretReference.Marker(secret.Text)));
        }

        if (RootNode.Names.TryGetValue(name.Text, out var root))
        {
            return new RootNode(name.Position, root);
        }

        throw new ExpressionException(
            _source,
            name.Position,
            $"unknown name '{name.Text}'; expressions start from {string.Join(", ", RootNode.Names.Keys)}");
    }

    private CallNode ParseCall(ExpressionToken name)
    {
        if (!ExpressionFunctions.TryFind(name.Text, out var function, out var arity))
        {
            throw new ExpressionException(
                _source,
                name.Position,
                $"unknown function '{name.Text}'; the functions are {string.Join(", ", ExpressionFunctions.Names)}");
        }

        Advance();
        Enter();
        var arguments = new List<ExpressionNode>();
        if (_current.Kind != TokenKind.RightParen)
        {
            arguments.Add(ParseExpression());
            while (_current.Kind == TokenKind.Comma)
            {
                Advance();
                arguments.Add(ParseExpression());
            }
        }

        Expect(TokenKind.RightParen, "',' or ')'");
        _depth--;
        if (arguments.Count != arity)
        {
            throw new ExpressionException(
                _source,
                name.Position,
                $"{name.Text}() takes {arity} argument{(arity == 1 ? "" : "s")}, not {arguments.Count}");
        }

        return new CallNode(name.Position, function, arguments);
    }

    private ArrayNode ParseArray()
    {
        var position = Advance().Position;
        Enter();
        var elements = new List<ExpressionNode>();
        while (_current.Kind != TokenKind.RightBracket)
        {
            elements.Add(ParseExpression());
            if (_current.Kind != TokenKind.Comma)
            {
                break;
            }

            Advance();
        }

        Expect(TokenKind.RightBracket, "',' or ']'");
        _depth--;
        return new ArrayNode(position, elements);
    }

    private ObjectNode ParseObject()
    {
        var position = Advance().Position;
        Enter();
        var members = new List<KeyValuePair<string, ExpressionNode>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (_current.Kind != TokenKind.RightBrace)
        {
            if (_current.Kind is not (TokenKind.Identifier or TokenKind.String))
            {
                throw Unexpected("a member name");
            }

            var name = Advance();
            if (!names.Add(name.Text))
            {
                throw new ExpressionException(_source, name.Position, $"member '{name.Text}' appears twice");
            }

            Expect(TokenKind.Colon, "':'");
            members.Add(new(name.Text, ParseExpression()));
            if (_current.Kind != TokenKind.Comma)
            {
                break;
            }

            Advance();
        }

        Expect(TokenKind.RightBrace, "',' or '}'");
        _depth--;
        return new ObjectNode(position, members);
    }

    private void NoteNodeReference(ExpressionNode target, string name)
    {
        if (target is RootNode { Root: ExpressionRoot.Nodes })
        {
            _referencedNodes.Add(name);
        }
    }

    private void Enter()
    {
        if (++_depth > DefinitionLimits.MaxExpressionDepth)
        {
            throw new ExpressionException(
                _source,
                _current.Position,
                $"the expression is nested too deeply (more than {DefinitionLimits.MaxExpressionDepth} levels)");
        }
    }

    private ExpressionToken Advance()
    {
        var token = _current;
        _current = _tokenizer.Next();
        return token;
    }

    private void Expect(TokenKind kind, string what)
    {
        if (_current.Kind != kind)
        {
            throw Unexpected(what);
        }

        Advance();
    }

    private ExpressionException Unexpected(string expected) =>
        new(_source, _current.Position, $"expected {expected} but found {_current.Describe()}");
}
