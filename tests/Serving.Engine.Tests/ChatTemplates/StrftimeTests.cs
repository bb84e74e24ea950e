using Serving.Engine.ChatTemplates;

namespace Serving.Engine.Tests.ChatTemplates;

public class StrftimeTests
{
    /// <summary>Expected values from Python: <c>datetime(2024, 7, 26, 0, 0, 0).strftime(fmt)</c> (glibc, C locale).</summary>
    [Theory]
    [InlineData("%d %b %Y", "26 Jul 2024")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2024-07-26 00:00:00")]
    [InlineData("%A %B %j %p %I %a %y", "Friday July 208 AM 12 Fri 24")]
    [InlineData("%e|%-d|%-m|%U|%W|%w|%u|%G|%V|%%", "26|26|7|29|30|5|5|2024|30|%")]
    [InlineData("%c", "Fri Jul 26 00:00:00 2024")]
    [InlineData("%x %X %D %F %T", "07/26/24 00:00:00 07/26/24 2024-07-26 00:00:00")]
    [InlineData("%^a %_H %-H %Q", "FRI  0 0 %Q")]
    public void Format_FixedDate_MatchesPython(string format, string expected)
    {
        Assert.Equal(expected, Strftime.Format(new DateTimeOffset(2024, 7, 26, 0, 0, 0, TimeSpan.Zero), format));
    }

    [Fact]
    public void Format_Afternoon_Uses12HourClock()
    {
        Assert.Equal("03:07 PM", Strftime.Format(new DateTimeOffset(2025, 1, 1, 15, 7, 0, TimeSpan.Zero), "%I:%M %p"));
    }
}
