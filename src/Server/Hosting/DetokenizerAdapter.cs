using Serving.Engine.Tokenization;
using Serving.Scheduler;

namespace Serving.Server.Hosting;

/// <summary>The Engine tokenizer's streaming detokenizer behind the Scheduler's seam (the Scheduler knows no tokenizer).</summary>
internal sealed class DetokenizerAdapter(IncrementalDetokenizer detokenizer) : IIncrementalDetokenizer
{
    public string Decode(int tokenId) => detokenizer.Add(tokenId);

    public string Flush() => detokenizer.Flush();
}
