namespace Serving.LoadTests.Statistics;

/// <summary>One second of the measured window: requests finished, output tokens and errors in it.</summary>
internal sealed record TimelinePoint(double TimeS, int Finished, int OutputTokens, int Errors);
