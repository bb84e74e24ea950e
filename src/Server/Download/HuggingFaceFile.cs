namespace Serving.Server.Download;

/// <summary>A file in a Hugging Face model repository, written <c>hf:OWNER/REPO/PATH/FILE.gguf[@REVISION]</c>.</summary>
internal sealed record HuggingFaceFile(string Owner, string Repository, string FilePath, string Revision)
{
    public const string Scheme = "hf:";

    /// <summary>True when <paramref name="model"/> names a hub file rather than a local path.</summary>
    public static bool IsReference(string model) => model.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>hf:OWNER/REPO/FILE[@REVISION]</c>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static HuggingFaceFile Parse(string model)
    {
        if (!IsReference(model))
        {
            throw new FormatException($"'{model}' is not a hub reference (expected {Scheme}OWNER/REPO/FILE.gguf)");
        }

        var body = model[Scheme.Length..];
        var revision = "main";
        var at = body.LastIndexOf('@');
        if (at >= 0)
        {
            revision = body[(at + 1)..];
            body = body[..at];
        }

        var parts = body.Split('/');
        if (parts.Length < 3 || parts.Any(p => p.Length == 0 || p is "." or "..") || revision.Length == 0 || revision.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException($"'{model}' must look like {Scheme}OWNER/REPO/FILE.gguf or {Scheme}OWNER/REPO/FILE.gguf@REVISION");
        }

        return new HuggingFaceFile(parts[0], parts[1], string.Join('/', parts[2..]), revision);
    }

    /// <summary>The hub's resolve URL for this file under <paramref name="endpoint"/> (https://huggingface.co by default).</summary>
    public Uri ResolveUri(Uri endpoint) =>
        new(endpoint, $"{Uri.EscapeDataString(Owner)}/{Uri.EscapeDataString(Repository)}/resolve/{Uri.EscapeDataString(Revision)}/"
            + string.Join('/', FilePath.Split('/').Select(Uri.EscapeDataString)));

    /// <summary>Where the file lives in the cache: <c>CACHE/OWNER--REPO/REVISION/PATH</c>.</summary>
    public string CachePath(string cacheDirectory) =>
        Path.Combine([cacheDirectory, $"{Owner}--{Repository}", Revision, .. FilePath.Split('/')]);

    public override string ToString() => $"{Scheme}{Owner}/{Repository}/{FilePath}@{Revision}";
}
