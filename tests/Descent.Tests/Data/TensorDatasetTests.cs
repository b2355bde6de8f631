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
}
