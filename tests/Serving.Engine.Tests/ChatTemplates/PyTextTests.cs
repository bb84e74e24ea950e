using Serving.Engine.ChatTemplates;

namespace Serving.Engine.Tests.ChatTemplates;

public class PyTextTests
{
    /// <summary>Expected values are Python's <c>repr(float)</c>.</summary>
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(2.5e-7, "2.5e-07")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(1e300, "1e+300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void FloatRepr_Value_MatchesPython(double value, string expected)
    {
        Assert.Equal(expected, PyText.FloatRepr(value));
    }

    [Fact]
    public void Repr_NestedContainers_UsesPythonQuoting()
    {
        var dict = new OrderedDictionary<object, object?>(PyKeyComparer.Instance) { ["k"] = new List<object?> { "it's", "a\"b", null, true, 1L } };

        Assert.Equal("{'k': [\"it's\", 'a\"b', None, True, 1]}", PyText.Repr(dict));
    }
}
