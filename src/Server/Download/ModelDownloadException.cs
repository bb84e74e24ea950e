namespace Serving.Server.Download;

/// <summary>A model could not be downloaded; the message says which file, from where, and why.</summary>
internal sealed class ModelDownloadException(string message, Exception? inner = null) : Exception(message, inner);
