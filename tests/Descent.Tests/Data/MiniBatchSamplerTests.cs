using Descent.Data;
using Descent.Randomness;

namespace Descent.Tests.Data;

public class MiniBatchSamplerTests
{
    /// <summary>Ten examples of three features: example i is [i, 10 + i, 20 + i], label i % 3.</summary>
    private static TensorDataset<double> Ten()
    {
        var features = new double[30];
        var labels = new int[10];
        for (int i = 0; i < 10; i++)
        {
            features[3 * i] = i;
            features[(3 * i) + 1] = 10 + i;
            features[(3 * i) + 2] = 20 + i;
            labels[i] = i % 3;
        }

        return new TensorDataset<double>(features, labels, [3], 3);
    }

    /// <summary>Replays a fixed list of integer draws, and records the bounds asked for.</summary>
    private sealed class ScriptedSource(params int[] draws) : IRandomSource
    {
        private int _next;

        public List<int> Bounds { get; } = [];

        public int NextInt(int maxExclusive)
        {
            Bounds.Add(maxExclusive);
            return draws[_next++ % draws.Length] % maxExclusive;
        }

        public double NextStandardNormal() => throw new NotSupportedException();

        public double NextDouble() => throw new NotSupportedException();

        public byte[] SaveState() => throw new NotSupportedException();

        public void LoadState(ReadOnlySpan<byte> state) => throw new NotSupportedException();
    }

    [Fact]
    public void WithReplacement_TakesOneDrawPerExample_LikeNumPysChoice()
    {
        var source = new ScriptedSource(7, 7, 2, 9);
        var sampler = new MiniBatchSampler<double>(Ten(), 4, BatchOrder.WithReplacement, source);
        MiniBatch<double> batch = sampler.Next();
        Assert.Equal([7, 7, 2, 9], batch.Indices.ToArray());
        Assert.Equal([10, 10, 10, 10], source.Bounds);
        Assert.Equal([7, 17, 27, 7, 17, 27, 2, 12, 22, 9, 19, 29], batch.Features.ToArray());
        Assert.Equal([1, 1, 2, 0], batch.Labels.ToArray());
        Assert.Equal(0, sampler.Epoch);
    }

    [Fact]
    public void ShuffledEpochs_VisitEveryExampleOncePerEpoch()
    {
        var sampler = new MiniBatchSampler<double>(Ten(), 4, BatchOrder.ShuffledEpochs, new SeededRandom(3));
        var epochs = new List<int[]>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var seen = new List<int>();
            foreach (int size in (int[])[4, 4, 2])
            {
                MiniBatch<double> batch = sampler.Next();
                Assert.Equal(size, batch.Count);
                Assert.Equal(epoch + 1, sampler.Epoch);
                seen.AddRange(batch.Indices.ToArray());
            }

            Assert.Equal(Enumerable.Range(0, 10), seen.Order());
            epochs.Add([.. seen]);
        }

        Assert.NotEqual(epochs[0], epochs[1]);
        Assert.NotEqual(Enumerable.Range(0, 10), epochs[0]);
    }

    [Fact]
    public void DropLast_SkipsTheShortBatch()
    {
        var sampler = new MiniBatchSampler<double>(Ten(), 4, BatchOrder.Sequential, new SeededRandom(0), dropLast: true);
        Assert.Equal(2, sampler.BatchesPerEpoch);
        Assert.Equal([0, 1, 2, 3], sampler.Next().Indices.ToArray());
        Assert.Equal([4, 5, 6, 7], sampler.Next().Indices.ToArray());
        Assert.Equal([0, 1, 2, 3], sampler.Next().Indices.ToArray());
        Assert.Equal(2, sampler.Epoch);
    }

    [Fact]
    public void OneHotLabels_MatchTheIntegerLabels()
    {
        var sampler = new MiniBatchSampler<float>(
            new TensorDataset<float>(new float[5], [2, 0, 1, 2, 1], [1], 3), 5, BatchOrder.Sequential, new SeededRandom(0), LabelEncoding.OneHot);
        MiniBatch<float> batch = sampler.Next();
        Assert.Equal([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0], batch.OneHotLabels.ToArray());
        Assert.True(new MiniBatchSampler<float>(new TensorDataset<float>(new float[5], [2, 0, 1, 2, 1], [1], 3), 5, BatchOrder.Sequential, new SeededRandom(0)).Next().OneHotLabels.IsEmpty);
    }

    [Fact]
    public void EqualSeeds_GiveEqualBatches_DifferentSeedsDifferent()
    {
        int[] Draw(int seed, BatchOrder order)
        {
            var sampler = new MiniBatchSampler<double>(Ten(), 3, order, new SeededRandom(seed));
            return [.. Enumerable.Range(0, 6).SelectMany(_ => sampler.Next().Indices.ToArray())];
        }

        foreach (BatchOrder order in (BatchOrder[])[BatchOrder.WithReplacement, BatchOrder.ShuffledEpochs])
        {
            Assert.Equal(Draw(42, order), Draw(42, order));
            Assert.NotEqual(Draw(42, order), Draw(43, order));
        }
    }

    [Fact]
    public void MersenneTwisterSource_DrawsNumPysChoiceSequence()
    {
        // np.random.seed(0); np.random.choice(10, 8) -> [5 0 3 3 7 9 3 5] (NumPy legacy stream).
        var sampler = new MiniBatchSampler<double>(Ten(), 8, BatchOrder.WithReplacement, new MersenneTwister(0));
        Assert.Equal([5, 0, 3, 3, 7, 9, 3, 5], sampler.Next().Indices.ToArray());
    }

    [Fact]
    public void Next_AllocatesNothingAfterTheFirstCall()
    {
        foreach (BatchOrder order in Enum.GetValues<BatchOrder>())
        {
            var sampler = new MiniBatchSampler<double>(Ten(), 3, order, new SeededRandom(1), LabelEncoding.OneHot);
            sampler.Next();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                sampler.Next();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void SavedState_ResumesTheSameBatches()
    {
        var random = new SeededRandom(9);
        var sampler = new MiniBatchSampler<double>(Ten(), 4, BatchOrder.ShuffledEpochs, random);
        sampler.Next();
        sampler.Next();
        BatchSamplerState state = sampler.SaveState();
        byte[] randomState = random.SaveState();
        int[] expected = [.. Enumerable.Range(0, 5).SelectMany(_ => sampler.Next().Indices.ToArray())];

        var resumedRandom = new SeededRandom(0);
        resumedRandom.LoadState(randomState);
        var resumed = new MiniBatchSampler<double>(Ten(), 4, BatchOrder.ShuffledEpochs, resumedRandom);
        resumed.LoadState(state);
        Assert.Equal(expected, Enumerable.Range(0, 5).SelectMany(_ => resumed.Next().Indices.ToArray()));
        Assert.Equal(sampler.Epoch, resumed.Epoch);
    }

    [Fact]
    public void StateOfAnotherDataset_IsRejected()
    {
        var sampler = new MiniBatchSampler<double>(Ten(), 4, BatchOrder.ShuffledEpochs, new SeededRandom(0));
        Assert.Throws<ArgumentException>(() => sampler.LoadState(new BatchSamplerState(1, 0, [0, 1, 2])));
        Assert.Throws<ArgumentException>(() => sampler.LoadState(new BatchSamplerState(1, 0, [.. Enumerable.Repeat(0, 10)])));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void BatchSizeOutsideTheDataset_IsRejectedWithTheRange(int batchSize)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatchSampler<double>(Ten(), batchSize, BatchOrder.Sequential, new SeededRandom(0)));
        Assert.Contains("[1, 10]", e.Message, StringComparison.Ordinal);
    }
}
