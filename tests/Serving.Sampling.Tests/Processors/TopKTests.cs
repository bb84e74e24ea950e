using Serving.Sampling.Processors;

namespace Serving.Sampling.Tests.Processors;

public class TopKTests
{
    private static int[] Reference(float[] values, int k) =>
        [.. Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k).Order()];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(257)]
    [InlineData(5000)]
    public void Select_RandomValuesWithTies_SameSetAsSortReference(int length)
    {
        var random = new System.Random(42);
        foreach (var k in new[] { 1, 2, 5, length / 2, length - 1, length }.Where(k => k >= 1 && k <= length).Distinct())
        {
            // Few distinct values: many ties, so the lower-id tie-break is exercised.
            var values = Enumerable.Range(0, length).Select(_ => (float)random.Next(0, 20)).ToArray();
            var selected = new int[k];
            TopK.Select(values, k, selected);
            Assert.Equal(Reference(values, k), selected.Order());
        }
    }

    [Fact]
    public void Select_AscendingValues_WorstCaseForTheHeap()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
        var selected = new int[10];
        TopK.Select(values, 10, selected);
        Assert.Equal(Enumerable.Range(990, 10), selected.Order());
    }

    [Fact]
    public void Select_NegativeInfinities_RankedLast()
    {
        float[] values = [float.NegativeInfinity, 1f, float.NegativeInfinity, -5f, 2f];
        var selected = new int[3];
        TopK.Select(values, 3, selected);
        Assert.Equal([1, 3, 4], selected.Order());
    }

    [Fact]
    public void SortDescending_TiesByLowerId()
    {
        float[] values = [1f, 3f, 3f, 2f];
        int[] ids = [0, 3, 2, 1];
        TopK.SortDescending(ids, values);
        Assert.Equal([1, 2, 3, 0], ids);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(100)]
    [InlineData(257)]
    public void ArgMax_EveryPosition_FirstOccurrenceOfMax(int length)
    {
        for (var position = 0; position < length; position++)
        {
            var values = Enumerable.Range(0, length).Select(i => (float)(i % 5)).ToArray();
            values[position] = 10f;
            if (position + 3 < length)
            {
                values[position + 3] = 10f;
            }

            Assert.Equal(position, TopK.ArgMax(values, 10f));
        }
    }
}
