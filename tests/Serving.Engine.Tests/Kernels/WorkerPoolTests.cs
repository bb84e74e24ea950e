using Serving.Engine.Kernels;

namespace Serving.Engine.Tests.Kernels;

public class WorkerPoolTests
{
    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 1000)]
    [InlineData(3, 7)]
    [InlineData(2, 1)]
    [InlineData(2, 0)]
    public void For_EveryIndexRunsExactlyOnce(int threads, int count)
    {
        using var pool = new WorkerPool(threads);
        var counts = new int[count];
        var body = new CountingBody(counts);

        pool.For(count, ref body);

        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public async Task For_ManyCallsWithWorkBetween_AllComplete()
    {
        using var pool = new WorkerPool(2);
        var counts = new int[64];
        var body = new CountingBody(counts);

        // Work between calls lets workers pass from spinning to blocking, so both wake-up paths run.
        var run = Task.Run(() =>
        {
            double sink = 0;
            for (var call = 0; call < 500; call++)
            {
                pool.For(counts.Length, ref body);
                for (var i = 0; i < (call % 10) * 10_000; i++)
                {
                    sink += Math.Sqrt(i);
                }
            }

            return sink;
        });

        await run.WaitAsync(TimeSpan.FromSeconds(60)); // a lost wake-up hangs For; the timeout turns that into a failure
        Assert.All(counts, c => Assert.Equal(500, c));
    }

    [Fact]
    public void For_BodyThrows_RethrowsOnCallerAndPoolStaysUsable()
    {
        using var pool = new WorkerPool(2);
        var throwing = new ThrowingBody(13);

        var e = Assert.Throws<InvalidOperationException>(() => pool.For(100, ref throwing));
        Assert.Equal("index 13", e.Message);

        var counts = new int[100];
        var body = new CountingBody(counts);
        pool.For(100, ref body);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public void For_CalledFromABody_ThrowsInsteadOfCorruptingTheRunningLoop()
    {
        using var pool = new WorkerPool(2);
        var nested = new NestingBody(pool);

        var e = Assert.Throws<InvalidOperationException>(() => pool.For(8, ref nested));

        Assert.Contains("reentrant", e.Message, StringComparison.Ordinal);
        var counts = new int[8];
        var body = new CountingBody(counts);
        pool.For(8, ref body);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Fact]
    public void For_AfterDispose_Throws()
    {
        var pool = new WorkerPool(2);
        pool.Dispose();
        var body = new CountingBody(new int[4]);

        Assert.Throws<ObjectDisposedException>(() => pool.For(4, ref body));
    }

    [Fact]
    public void Constructor_ZeroThreads_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
    }

    private readonly struct CountingBody(int[] counts) : IParallelBody
    {
        public void Invoke(int index) => Interlocked.Increment(ref counts[index]);
    }

    private readonly struct NestingBody(WorkerPool pool) : IParallelBody
    {
        public void Invoke(int index)
        {
            var inner = new CountingBody(new int[4]);
            pool.For(4, ref inner);
        }
    }

    private readonly struct ThrowingBody(int failing) : IParallelBody
    {
        public void Invoke(int index)
        {
            if (index == failing)
            {
                throw new InvalidOperationException($"index {index}");
            }
        }
    }
}
