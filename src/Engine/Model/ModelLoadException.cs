namespace Serving.Engine.Model;

/// <summary>A GGUF file that parses but is not a model this engine can run: unknown architecture, missing metadata keys,
/// missing or misshapen tensors. The message names what is wrong.</summary>
public sealed class ModelLoadException(string message) : Exception(message);
