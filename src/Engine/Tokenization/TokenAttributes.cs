namespace Serving.Engine.Tokenization;

/// <summary>llama.cpp's per-token attribute bits (<c>llama_token_attr</c>); a token may carry several after promotion.</summary>
[Flags]
internal enum TokenAttributes
{
    None = 0,
    Unknown = 1 << 0,
    Unused = 1 << 1,
    Normal = 1 << 2,
    Control = 1 << 3,
    UserDefined = 1 << 4,
    Byte = 1 << 5,
}
