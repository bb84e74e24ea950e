namespace Serving.Sampling.Tests;

public class StopStringMatcherTests
{
    [Fact]
    public void Push_NoStops_EmitsEverythingAtOnce()
    {
        var matcher = new StopStringMatcher([]);
        Assert.Equal(new StopMatch("abc", null), matcher.Push("abc"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Push_StopSplitAcrossTwoTokens_CaughtAndNeverEmitted()
    {
        var matcher = new StopStringMatcher(["</s>"]);
        Assert.Equal(new StopMatch("Hello ", null), matcher.Push("Hello </"));
        Assert.Equal("</", matcher.HeldText);
        var match = matcher.Push("s> trailing");
        Assert.Equal(new StopMatch("", "</s>"), match);
        Assert.True(match.IsStopped);
    }

    [Fact]
    public void Push_StopSplitAcrossThreeTokens_CaughtAndNeverEmitted()
    {
        var matcher = new StopStringMatcher(["###"]);
        Assert.Equal(new StopMatch("ab", null), matcher.Push("ab#"));
        Assert.Equal(new StopMatch("", null), matcher.Push("#"));
        Assert.Equal(new StopMatch("", "###"), matcher.Push("#c"));
    }

    [Fact]
    public void Push_TextBeforeStopInSameDelta_EmittedUpToTheMatch()
    {
        var matcher = new StopStringMatcher(["STOP"]);
        Assert.Equal(new StopMatch("one two ", "STOP"), matcher.Push("one two STOP three"));
    }

    [Fact]
    public void Push_HeldPrefixTurnsOutNotToBeStop_ReleasedWithNextDelta()
    {
        var matcher = new StopStringMatcher(["</s>"]);
        Assert.Equal(new StopMatch("a", null), matcher.Push("a<"));
        Assert.Equal(new StopMatch("<b", null), matcher.Push("b"));
        Assert.Equal("", matcher.HeldText);
    }

    [Fact]
    public void Push_OverlappingPrefix_MatchFoundAfterFalseStart()
    {
        // "aab": the first 'a' looks like the start of "ab" but only the second one is.
        var matcher = new StopStringMatcher(["ab"]);
        Assert.Equal(new StopMatch("", null), matcher.Push("a"));
        Assert.Equal(new StopMatch("a", null), matcher.Push("a"));
        Assert.Equal(new StopMatch("", "ab"), matcher.Push("b"));
    }

    [Fact]
    public void Push_SelfOverlappingStop_HoldsLongestPossibleStart()
    {
        var matcher = new StopStringMatcher(["abab"]);
        Assert.Equal(new StopMatch("x", null), matcher.Push("xaba"));
        Assert.Equal("aba", matcher.HeldText);
        Assert.Equal(new StopMatch("aba", null), matcher.Push("a"));
        Assert.Equal("a", matcher.HeldText);
        Assert.Equal(new StopMatch("", "abab"), matcher.Push("bab"));
    }

    [Fact]
    public void Push_MultipleStops_EarliestStartWins()
    {
        var matcher = new StopStringMatcher(["world", "lo w"]);
        Assert.Equal(new StopMatch("Hel", "lo w"), matcher.Push("Hello world"));
    }

    [Fact]
    public void Push_MultipleStops_HoldsLongestPrefixOfAny()
    {
        var matcher = new StopStringMatcher(["abc", "bcde"]);
        Assert.Equal(new StopMatch("x", null), matcher.Push("xbcd"));
        Assert.Equal("bcd", matcher.HeldText);
        Assert.Equal(new StopMatch("bcdf", null), matcher.Push("f"));
    }

    [Fact]
    public void Push_StopAtVeryStart_EmitsNothing()
    {
        var matcher = new StopStringMatcher(["\n\n"]);
        Assert.Equal(new StopMatch("", "\n\n"), matcher.Push("\n\nrest"));
    }

    [Fact]
    public void Flush_HeldTextAtEnd_ReturnedNotSwallowed()
    {
        var matcher = new StopStringMatcher(["</s>"]);
        Assert.Equal(new StopMatch("The end", null), matcher.Push("The end</"));
        Assert.Equal("</", matcher.Flush());
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Push_AfterStop_Throws()
    {
        var matcher = new StopStringMatcher(["x"]);
        matcher.Push("x");
        Assert.Throws<InvalidOperationException>(() => matcher.Push("y"));
    }
}
