using System.Text.RegularExpressions;

namespace Serving.Engine.ChatTemplates;

/// <summary>Splits a template into text and tag tokens with the whitespace rules transformers uses: <c>trim_blocks</c>
/// (one newline after <c>%}</c>/<c>#}</c> dropped), <c>lstrip_blocks</c> (indentation before <c>{%</c>/<c>{#</c> at line
/// start dropped), <c>-</c>/<c>+</c> modifiers, and one trailing newline of the template dropped.</summary>
internal sealed partial class Lexer
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", ">=", "<=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    private readonly string _source;
    private readonly List<Token> _tokens = [];
    private readonly Stack<char> _brackets = new();
    private int _pos;
    private int _line = 1;
    private int _lineCountedTo;

    private Lexer(string source)
    {
        _source = Normalize(source);
    }

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    /// <summary>Newlines become <c>\n</c> and one trailing newline goes, as Jinja's <c>keep_trailing_newline=False</c> does.</summary>
    private static string Normalize(string source)
    {
        var s = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return s.EndsWith('\n') ? s[..^1] : s;
    }

    [GeneratedRegex(@"\G\{%[-+]?\s*raw\s*(?<sign>[-+]?)%\}")]
    private static partial Regex RawBegin();

    [GeneratedRegex(@"\{%(?<sign>[-+]?)\s*endraw\s*(?<end>[-+]?)%\}")]
    private static partial Regex RawEnd();

    /// <summary>The 1-based line of <see cref="_pos"/>, counted incrementally (the position only moves forward).</summary>
    private int Line
    {
        get
        {
            var pos = Math.Min(_pos, _source.Length);
            if (pos > _lineCountedTo)
            {
                _line += _source.AsSpan(_lineCountedTo, pos - _lineCountedTo).Count('\n');
                _lineCountedTo = pos;
            }

            return _line;
        }
    }

    private void Run()
    {
        while (_pos < _source.Length)
        {
            var tagStart = FindTag(_pos);
            if (tagStart < 0)
            {
                AddText(_source[_pos..]);
                break;
            }

            var kind = _source[tagStart + 1];
            var sign = tagStart + 2 < _source.Length && _source[tagStart + 2] is '-' or '+' ? _source[tagStart + 2] : '\0';
            AddText(TextBefore(tagStart, sign, kind != '{'));
            if (kind == '#')
            {
                SkipComment(tagStart + (sign == '\0' ? 2 : 3));
            }
            else if (kind == '%' && RawBegin().Match(_source, tagStart) is { Success: true } raw)
            {
                ReadRaw(tagStart + raw.Length, raw.Groups["sign"].Value);
            }
            else
            {
                _pos = tagStart + (sign == '\0' ? 2 : 3);
                var isBlock = kind == '%';
                _tokens.Add(new Token(isBlock ? TokenKind.BlockBegin : TokenKind.VariableBegin, "", Line));
                ReadExpression(isBlock);
            }
        }

        _tokens.Add(new Token(TokenKind.End, "", Line));
    }

    private int FindTag(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The text between <see cref="_pos"/> and a tag, after <c>{%-</c> stripping or <c>lstrip_blocks</c>.</summary>
    private string TextBefore(int tagStart, char sign, bool isBlockOrComment)
    {
        var text = _source[_pos..tagStart];
        return sign == '-' ? PyString.Strip(text, null, false, true)
            : sign == '+' || !isBlockOrComment ? text
            : StripIndentation(text, _pos == 0 || _source[_pos - 1] == '\n');
    }

    /// <summary>lstrip_blocks: drops the spaces and tabs ending <paramref name="text"/> when only they sit between a line
    /// start and the tag. A line start is a newline inside the text, or the text itself starting a line.</summary>
    private static string StripIndentation(string text, bool textStartsLine)
    {
        var j = text.Length;
        while (j > 0 && text[j - 1] != '\n' && PyString.IsWhiteSpace(text[j - 1]))
        {
            j--;
        }

        var atLineStart = j > 0 ? text[j - 1] == '\n' : textStartsLine;
        return atLineStart ? text[..j] : text;
    }

    private void AddText(string text)
    {
        if (text.Length > 0)
        {
            _tokens.Add(new Token(TokenKind.Text, text, Line));
        }
    }

    private void SkipComment(int contentStart)
    {
        var end = _source.IndexOf("#}", contentStart, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("missing end of comment tag");
        }

        var sign = end - 1 >= contentStart ? _source[end - 1] : '\0';
        _pos = end + 2;
        AfterTagEnd(sign, trimNewline: true);
    }

    private void ReadRaw(int contentStart, string beginSign)
    {
        var end = RawEnd().Match(_source, contentStart);
        if (!end.Success)
        {
            throw Error("missing end of raw directive");
        }

        var content = _source[contentStart..end.Index];
        if (beginSign == "-")
        {
            content = PyString.Strip(content, null, true, false);
        }

        content = end.Groups["sign"].Value switch
        {
            "-" => PyString.Strip(content, null, false, true),
            "+" => content,
            _ => StripIndentation(content, false),
        };
        AddText(content);
        _pos = end.Index + end.Length;
        AfterTagEnd(end.Groups["end"].Value.FirstOrDefault(), trimNewline: true);
    }

    private void AfterTagEnd(char sign, bool trimNewline)
    {
        if (sign == '-')
        {
            while (_pos < _source.Length && PyString.IsWhiteSpace(_source[_pos]))
            {
                _pos++;
            }
        }
        else if (sign != '+' && trimNewline && _pos < _source.Length && _source[_pos] == '\n')
        {
            _pos++;
        }
    }

    private void ReadExpression(bool isBlock)
    {
        var close = isBlock ? '%' : '}';
        while (true)
        {
            while (_pos < _source.Length && PyString.IsWhiteSpace(_source[_pos]))
            {
                _pos++;
            }

            if (_pos >= _source.Length)
            {
                throw Error($"unexpected end of template, expected '{(isBlock ? "%}" : "}}")}'");
            }

            if (_brackets.Count == 0 && TryReadTagEnd(isBlock, close))
            {
                return;
            }

            ReadExpressionToken();
        }
    }

    private bool TryReadTagEnd(bool isBlock, char close)
    {
        var sign = _source[_pos] is '-' or '+' ? _source[_pos] : '\0';
        var at = _pos + (sign == '\0' ? 0 : 1);
        if (at + 1 >= _source.Length || _source[at] != close || _source[at + 1] != '}' || (sign == '+' && !isBlock))
        {
            return false;
        }

        _pos = at + 2;
        _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, "", Line));
        AfterTagEnd(sign, trimNewline: isBlock);
        return true;
    }

    private ChatTemplateException Error(string message) => new($"template syntax error (line {Line}): {message}");
}
