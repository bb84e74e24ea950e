using System.Globalization;
using System.Text;

namespace Serving.Engine.ChatTemplates;

/// <summary>The expression tokens inside <c>{{ }}</c> and <c>{% %}</c>: names, string and number literals, operators.</summary>
internal sealed partial class Lexer
{
    private void ReadExpressionToken()
    {
        var c = _source[_pos];
        if (c is '\'' or '"')
        {
            ReadString(c);
        }
        else if (char.IsAsciiDigit(c))
        {
            ReadNumber();
        }
        else if (char.IsLetter(c) || c == '_')
        {
            var start = _pos;
            while (_pos < _source.Length && (char.IsLetterOrDigit(_source[_pos]) || _source[_pos] == '_'))
            {
                _pos++;
            }

            _tokens.Add(new Token(TokenKind.Name, _source[start.._pos], Line));
        }
        else
        {
            ReadOperator();
        }
    }

    private void ReadOperator()
    {
        var op = Operators.FirstOrDefault(o => string.CompareOrdinal(_source, _pos, o, 0, o.Length) == 0)
            ?? throw Error($"unexpected character '{_source[_pos]}'");
        if (op is "(" or "[" or "{")
        {
            _brackets.Push(op switch { "(" => ')', "[" => ']', _ => '}' });
        }
        else if (op is ")" or "]" or "}")
        {
            if (_brackets.Count == 0 || _brackets.Pop() != op[0])
            {
                throw Error($"unexpected '{op}'");
            }
        }

        _pos += op.Length;
        _tokens.Add(new Token(TokenKind.Operator, op, Line));
    }

    private void ReadNumber()
    {
        var start = _pos;
        SkipDigits();
        var isFloat = false;
        var afterDot = start > 0 && _source[start - 1] == '.';
        if (!afterDot && _pos + 1 < _source.Length && _source[_pos] == '.' && char.IsAsciiDigit(_source[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            SkipDigits();
        }

        if (!afterDot && _pos < _source.Length && _source[_pos] is 'e' or 'E')
        {
            var save = _pos;
            _pos++;
            if (_pos < _source.Length && _source[_pos] is '+' or '-')
            {
                _pos++;
            }

            if (_pos < _source.Length && char.IsAsciiDigit(_source[_pos]))
            {
                isFloat = true;
                SkipDigits();
            }
            else
            {
                _pos = save;
            }
        }

        var text = _source[start.._pos].Replace("_", "", StringComparison.Ordinal);
        _tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, text, Line));
    }

    private void SkipDigits()
    {
        while (_pos < _source.Length && (char.IsAsciiDigit(_source[_pos]) || (_source[_pos] == '_' && _pos + 1 < _source.Length && char.IsAsciiDigit(_source[_pos + 1]))))
        {
            _pos++;
        }
    }

    private void ReadString(char quote)
    {
        var sb = new StringBuilder();
        var line = Line;
        _pos++;
        while (true)
        {
            if (_pos >= _source.Length)
            {
                throw Error("unterminated string literal");
            }

            var c = _source[_pos++];
            if (c == quote)
            {
                break;
            }

            if (c != '\\' || _pos >= _source.Length)
            {
                sb.Append(c);
                continue;
            }

            ReadEscape(sb);
        }

        _tokens.Add(new Token(TokenKind.String, sb.ToString(), line));
    }

    /// <summary>Python's <c>unicode-escape</c> rules, which Jinja applies to string literals; unknown escapes keep their backslash.</summary>
    private void ReadEscape(StringBuilder sb)
    {
        var e = _source[_pos++];
        switch (e)
        {
            case '\n':
                break;
            case '\\' or '\'' or '"':
                sb.Append(e);
                break;
            case 'n':
                sb.Append('\n');
                break;
            case 't':
                sb.Append('\t');
                break;
            case 'r':
                sb.Append('\r');
                break;
            case 'a':
                sb.Append('\a');
                break;
            case 'b':
                sb.Append('\b');
                break;
            case 'f':
                sb.Append('\f');
                break;
            case 'v':
                sb.Append('\v');
                break;
            case 'x' or 'u' or 'U':
                var width = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                if (_pos + width > _source.Length || !int.TryParse(_source.AsSpan(_pos, width), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) || !Rune.IsValid(code))
                {
                    throw Error($"truncated \\{e} escape in string literal");
                }

                sb.Append(new Rune(code).ToString());
                _pos += width;
                break;
            case >= '0' and <= '7':
                var value = e - '0';
                for (var n = 0; n < 2 && _pos < _source.Length && _source[_pos] is >= '0' and <= '7'; n++)
                {
                    value = (value * 8) + (_source[_pos++] - '0');
                }

                sb.Append((char)value);
                break;
            default:
                sb.Append('\\').Append(e);
                break;
        }
    }
}
