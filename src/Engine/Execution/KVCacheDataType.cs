namespace Serving.Engine.Execution;

/// <summary>Element type of the K/V cache.</summary>
public enum KVCacheDataType
{
    /// <summary>Half precision: half the memory and bandwidth; llama.cpp's default.</summary>
    F16,

    /// <summary>Single precision: what the oracle vectors were produced with.</summary>
    F32,
}
