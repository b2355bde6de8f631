using Descent.Data;
using Descent.Randomness;

namespace Descent.Tests.Data;

public class TensorDatasetTests
{
    private static TensorDataset<float> Six() =>
        new([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5], [0, 1, 2, 0, 1, 2], [2], 3);

    [Fact]
    public void OneHotLabels_HaveASingleOneInTheLabelColumn()
    {
        float[] oneHot = Six().OneHotLabels();
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1], oneHot);
    }

    [Fact]
    public void SplitValidation_WithoutShuffle_HoldsOutTheLastExamples()
    {
        (TensorDataset<float> train, TensorDataset<float> validation) = Six().SplitValidation(2);
        Assert.Equal([0, 1, 2, 0], train.Labels);
        Assert.Equal([4, 4, 5, 5], validation.Features);
    }

    [Fact]
    public void SplitValidation_Shuffled_PartitionsTheExamples()
    {
        TensorDataset<float> data = Six();
        (TensorDataset<float> train, TensorDataset<float> validation) = data.SplitValidation(3, new SeededRandom(5));
        Assert.Equal((3, 3), (train.Count, validation.Count));
        float[] firsts = [.. Enumerable.Range(0, 3).Select(i => train.Example(i)[0]), .. Enumerable.Range(0, 3).Select(i => validation.Example(i)[0])];
        Assert.Equal([0, 1, 2, 3, 4, 5], firsts.Order());
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(data.Labels[(int)validation.Example(i)[0]], validation.Labels[i]);
        }
    }

    [Fact]
    public void SplitValidation_RejectsMoreThanTheDataset()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Six().SplitValidation(7));
        Assert.Contains("[0, 6]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RejectsLabelsOutsideTheClasses_AndWrongLengths()
    {
        Assert.Throws<ArgumentException>(() => new TensorDataset<double>(new double[4], [0, 3], [2], 3));
        Assert.Throws<ArgumentException>(() => new TensorDataset<double>(new double[5], [0, 1], [2], 3));
    }

    [Fact]
    public void Permutation_IsAPermutation_AndSeeded()
    {
        int[] a = RandomPermutation.Create(new SeededRandom(1), 100);
        Assert.Equal(Enumerable.Range(0, 100), a.Order());
        Assert.Equal(a, RandomPermutation.Create(new SeededRandom(1), 100));
        Assert.NotEqual(a, RandomPermutation.Create(new SeededRandom(2), 100));
    }

    [Fact]
    public void ADatasetOverBytes_GivesTheSameExamplesAndBatchesAsTheExpandedOne()
    {
        // Bytes mapped through a table (the book's float32 p / 255) against the same values stored as floats.
        byte[] pixels = [.. Enumerable.Range(0, 40).Select(i => (byte)((i * 37) % 256))];
        float[] table = [.. Enumerable.Range(0, 256).Select(v => v / 255f)];
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
        var bytes = TensorDataset<float>.FromBytes(pixels, table, labels, [4], 3);
        var floats = new TensorDataset<float>([.. pixels.Select(p => p / 255f)], labels, [4], 3);
        Assert.True(bytes.IsByteBacked);
        Assert.False(floats.IsByteBacked);

        float[] chunk = new float[3 * 4], expected = new float[3 * 4];
        bytes.CopyExamples(5, 3, chunk);
        floats.CopyExamples(5, 3, expected);
        Assert.Equal(expected, chunk);

        var a = new MiniBatchSampler<float>(bytes, 3, BatchOrder.WithReplacement, new SeededRandom(7));
        var b = new MiniBatchSampler<float>(floats, 3, BatchOrder.WithReplacement, new SeededRandom(7));
        for (int i = 0; i < 5; i++)
        {
            var x = a.Next();
            var y = b.Next();
            Assert.Equal(y.Features.ToArray(), x.Features.ToArray());
            Assert.Equal(y.Labels.ToArray(), x.Labels.ToArray());
        }

        // Subsets and slices keep the bytes; the expanded features equal the float dataset's.
        var subset = bytes.Subset([9, 0, 9]);
        Assert.True(subset.IsByteBacked);
        Assert.Equal(floats.Subset([9, 0, 9]).Features, subset.Features);
        Assert.True(bytes.Slice(2, 5).IsByteBacked);
        Assert.Equal(floats.Slice(2, 5).Features, bytes.Slice(2, 5).Features);
        Assert.Equal(floats.Features, bytes.Features);
    }

    [Fact]
    public void ADatasetOverBytes_RejectsATableWithout256Entries_AndShortDestinations()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorDataset<float>.FromBytes(new byte[4], new float[255], [0], [4], 2));
        Assert.Contains("256", e.Message, StringComparison.Ordinal);
        var data = TensorDataset<float>.FromBytes(new byte[8], new float[256], [0, 1], [4], 2);
        Assert.Throws<ArgumentException>(() => data.CopyExamples(0, 2, new float[7]));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.CopyExamples(1, 2, new float[8]));
        Assert.Throws<ArgumentException>(() => TensorDataset<float>.FromBytes(new byte[7], new float[256], [0, 1], [4], 2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(101)]
    [InlineData(784)]
    public void Lookup_GivesTheTableEntryOfEveryByte_AtEveryLengthAndInBothPrecisions(int length)
    {
        // Every byte value appears (the gathers must index the whole table), and the length leaves tails of 0–7.
        byte[] source = new byte[length];
        for (int i = 0; i < length; i++)
        {
            source[i] = (byte)((i * 97) + 13);
        }

        float[] floats = new float[256];
        double[] doubles = new double[256];
        for (int v = 0; v < 256; v++)
        {
            floats[v] = (v / 255f) - (v % 3);
            doubles[v] = (v / 255.0) + (v % 5);
        }

        float[] f = new float[length + 1];
        double[] d = new double[length + 1];
        f[length] = -7;
        d[length] = -7;
        TensorDataset<float>.Lookup(source, floats, f);
        TensorDataset<double>.Lookup(source, doubles, d);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(floats[source[i]], f[i]);
            Assert.Equal(doubles[source[i]], d[i]);
        }

        Assert.Equal(-7, f[length]);
        Assert.Equal(-7, d[length]);
        Assert.Throws<ArgumentException>(() => TensorDataset<float>.Lookup(source, new float[255], f));
        Assert.Throws<ArgumentException>(() => TensorDataset<float>.Lookup([1, 2], floats, new float[1]));
    }
}
