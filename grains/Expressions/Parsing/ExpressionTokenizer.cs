using System.Globalization;
using System.Text;

namespace Orchestrator.Expressions.Parsing;

/// <summary>Splits expression text into tokens on demand, so that an expression embedded in a template stops at its closing brace.</summary>
internal sealed class ExpressionTokenizer(string source, int start)
{
    private int _index = start;

    public ExpressionToken Next()
    {
        while (_index < source.Length && char.IsWhiteSpace(source[_index]))
        {
            _index++;
        }

        if (_index >= source.Length)
        {
            return new ExpressionToken(TokenKind.End, source.Length, "");
        }

        var start = _index;
        var c = source[_index];
        if (char.IsAsciiDigit(c))
        {
            return ReadNumber();
        }

        if (c is '"' or '\'')
        {
            return ReadString(c);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_index < source.Length && (char.IsAsciiLetterOrDigit(source[_index]) || source[_index] == '_'))
            {
                _index++;
            }

            return new ExpressionToken(TokenKind.Identifier, start, source[start.._index]);
        }

        var next = _index + 1 < source.Length ? source[_index + 1] : '\0';
        var (kind, length) = (c, next) switch
        {
            ('=', '=') => (TokenKind.EqualEqual, 2),
            ('!', '=') => (TokenKind.BangEqual, 2),
            ('<', '=') => (TokenKind.LessEqual, 2),
            ('>', '=') => (TokenKind.GreaterEqual, 2),
            ('&', '&') => (TokenKind.AndAnd, 2),
            ('|', '|') => (TokenKind.OrOr, 2),
            ('(', _) => (TokenKind.LeftParen, 1),
            (')', _) => (TokenKind.RightParen, 1),
            ('[', _) => (TokenKind.LeftBracket, 1),
            (']', _) => (TokenKind.RightBracket, 1),
            ('{', _) => (TokenKind.LeftBrace, 1),
            ('}', _) => (TokenKind.RightBrace, 1),
            (',', _) => (TokenKind.Comma, 1),
            ('.', _) => (TokenKind.Dot, 1),
            (':', _) => (TokenKind.Colon, 1),
            ('?', _) => (TokenKind.Question, 1),
            ('+', _) => (TokenKind.Plus, 1),
            ('-', _) => (TokenKind.Minus, 1),
            ('*', _) => (TokenKind.Star, 1),
            ('/', _) => (TokenKind.Slash, 1),
            ('%', _) => (TokenKind.Percent, 1),
            ('!', _) => (TokenKind.Bang, 1),
            ('<', _) => (TokenKind.Less, 1),
            ('>', _) => (TokenKind.Greater, 1),
            _ => (TokenKind.End, 0),
        };
        if (length == 0)
        {
            var hint = c switch
            {
                '=' => "; use '==' to compare",
                '&' => "; use '&&'",
                '|' => "; use '||'",
                _ => "",
            };
            throw new ExpressionException(source, start + 1, $"unexpected character '{c}'{hint}");
        }

        _index += length;
        return new ExpressionToken(kind, start, source.Substring(start, length));
    }

    private ExpressionToken ReadNumber()
    {
        var start = _index;
        SkipDigits();
        if (_index + 1 < source.Length && source[_index] == '.' && char.IsAsciiDigit(source[_index + 1]))
        {
            _index++;
            SkipDigits();
        }

        if (_index < source.Length && source[_index] is 'e' or 'E')
        {
            var exponent = _index + 1;
            if (exponent < source.Length && source[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent >= source.Length || !char.IsAsciiDigit(source[exponent]))
            {
                throw new ExpressionException(source, exponent + 1, "expected digits after the exponent");
            }

            _index = exponent;
            SkipDigits();
        }

        var text = source[start.._index];
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw new ExpressionException(source, start + 1, $"number {text} is out of range");
        }

        return new ExpressionToken(TokenKind.Number, start, text, value);
    }

    private void SkipDigits()
    {
        while (_index < source.Length && char.IsAsciiDigit(source[_index]))
        {
            _index++;
        }
    }

    private ExpressionToken ReadString(char quote)
    {
        var start = _index;
        _index++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_index >= source.Length)
            {
                throw new ExpressionException(source, start + 1, "unterminated string");
            }

            var c = source[_index];
            if (c == quote)
            {
                _index++;
                return new ExpressionToken(TokenKind.String, start, builder.ToString());
            }

            if (c != '\\')
            {
                builder.Append(c);
                _index++;
                continue;
            }

            if (_index + 1 >= source.Length)
            {
                throw new ExpressionException(source, start + 1, "unterminated string");
            }

            var escape = source[_index + 1];
            switch (escape)
            {
                case '"' or '\'' or '\\' or '/': builder.Append(escape); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_index + 6 > source.Length
                        || !ushort.TryParse(source.AsSpan(_index + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new ExpressionException(source, _index + 1, "expected four hex digits after '\\u'");
                    }

                    builder.Append((char)code);
                    _index += 4;
                    break;
                default:
                    throw new ExpressionException(source, _index + 1, $"invalid escape '\\{escape}' in string");
            }

            _index += 2;
        }
    }
}
