using System.Buffers;

namespace Serving.Engine.Tokenization;

/// <summary>llama.cpp's <c>clean_spaces</c> step of <c>llama_detokenize</c> (Llama 3's <c>clean_up_tokenization_spaces</c>) as a
/// streaming byte transducer, so full and incremental detokenization share one implementation.</summary>
/// <remarks>
/// llama.cpp runs three in-place passes over the whole text:
/// <list type="number">
/// <item>drop a space before <c>? ! . ,</c>;</item>
/// <item>turn <c>" ' "</c> into <c>"'"</c> (the space after the quote is consumed and cannot start another match);</item>
/// <item>drop the space before <c>'s 'm 're 've</c> (not <c>'t 'd 'll</c>).</item>
/// </list>
/// Each pass only looks a few bytes ahead, so each stage holds back at most four bytes until the next byte decides them;
/// <see cref="Flush"/> releases them at the end of the text, where llama.cpp's bounds checks leave them unchanged.
/// </remarks>
internal sealed class SpaceCleaner
{
    private readonly byte[] _contraction = new byte[4];
    private bool _pendingSpace;
    private int _quoteState;
    private int _contractionCount;

    /// <summary>Feeds raw detokenized bytes; writes the bytes that are now final.</summary>
    public void Push(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        foreach (var b in input)
        {
            Punctuation(b, output);
        }
    }

    /// <summary>Ends the text: writes every held-back byte.</summary>
    public void Flush(IBufferWriter<byte> output)
    {
        if (_pendingSpace)
        {
            _pendingSpace = false;
            Quote((byte)' ', output);
        }

        if (_quoteState >= 1)
        {
            var state = _quoteState;
            _quoteState = 0;
            Contraction((byte)' ', output);
            if (state == 2)
            {
                Contraction((byte)'\'', output);
            }
        }

        Span<byte> held = stackalloc byte[4];
        while (_contractionCount > 0)
        {
            _contraction.AsSpan(0, _contractionCount).CopyTo(held);
            var count = _contractionCount;
            _contractionCount = 0;
            Emit((byte)' ', output);
            if (count >= 2)
            {
                Emit((byte)'\'', output);
            }

            for (var i = 2; i < count; i++)
            {
                Contraction(held[i], output);
            }
        }
    }

    /// <summary>Pass 1: a space is held until the next byte shows whether it precedes <c>? ! . ,</c>.</summary>
    private void Punctuation(byte x, IBufferWriter<byte> output)
    {
        if (_pendingSpace)
        {
            _pendingSpace = false;
            if (x is not ((byte)'?' or (byte)'!' or (byte)'.' or (byte)','))
            {
                Quote((byte)' ', output);
            }
        }

        if (x == ' ')
        {
            _pendingSpace = true;
        }
        else
        {
            Quote(x, output);
        }
    }

    /// <summary>Pass 2: state 1 holds a space, state 2 a space and a quote.</summary>
    private void Quote(byte x, IBufferWriter<byte> output)
    {
        if (_quoteState == 2)
        {
            _quoteState = 0;
            if (x == ' ')
            {
                Contraction((byte)'\'', output);
                return;
            }

            Contraction((byte)' ', output);
            Contraction((byte)'\'', output);
        }
        else if (_quoteState == 1)
        {
            if (x == '\'')
            {
                _quoteState = 2;
                return;
            }

            _quoteState = 0;
            Contraction((byte)' ', output);
        }

        if (x == ' ')
        {
            _quoteState = 1;
        }
        else
        {
            Contraction(x, output);
        }
    }

    /// <summary>Pass 3: holds <c>" '"</c> plus up to two letters until the contraction is known.</summary>
    private void Contraction(byte x, IBufferWriter<byte> output)
    {
        switch (_contractionCount)
        {
            case 0 when x == ' ':
                _contraction[_contractionCount++] = x;
                return;
            case 0:
                Emit(x, output);
                return;
            case 1 when x == '\'':
                _contraction[_contractionCount++] = x;
                return;
            case 1:
                _contractionCount = 0;
                Emit((byte)' ', output);
                Contraction(x, output);
                return;
            case 2 when x is (byte)'s' or (byte)'m' or (byte)'t' or (byte)'d':
                _contractionCount = 0;
                Release(keepSpace: x is (byte)'t' or (byte)'d', output);
                Contraction(x, output);
                return;
            case 2:
                _contraction[_contractionCount++] = x;
                return;
            default:
                var first = _contraction[2];
                _contractionCount = 0;
                Release(keepSpace: !(x == 'e' && first is (byte)'r' or (byte)'v'), output);
                Contraction(first, output);
                Contraction(x, output);
                return;
        }
    }

    private static void Release(bool keepSpace, IBufferWriter<byte> output)
    {
        if (keepSpace)
        {
            Emit((byte)' ', output);
        }

        Emit((byte)'\'', output);
    }

    private static void Emit(byte b, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
