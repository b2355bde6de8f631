using Descent.Data;
using Descent.Testing;

namespace Descent.Tests.Data;

public class ImageDatasetTests
{
    private static string Bundled(string name) => Path.Combine(Goldens.RepositoryRoot, "data", "mnist", name);

    private static readonly Lazy<TrainTestSplit> Mnist = new(() => DatasetDirectory.Load(Path.Combine(Goldens.RepositoryRoot, "data", "mnist")));

    [Fact]
    public void BundledData_HasTheDocumentedShapeAndOfficialTestBalance()
    {
        TrainTestSplit data = Mnist.Value;
        Assert.Equal((10000, 28, 28), (data.Train.Count, data.Train.Height, data.Train.Width));
        Assert.Equal((10000, 28, 28), (data.Test.Count, data.Test.Height, data.Test.Width));

        // The official test set's class counts (LeCun's page / every MNIST loader).
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], data.Test.ClassCounts());
    }

    [Fact]
    public void BundledTrainingLabels_AreTheFirst10000OfficialLabels()
    {
        IdxArray official = IdxFile.Read(Bundled("train-labels-idx1-ubyte.gz"));
        Assert.Equal(60000, official.Shape[0]);
        Assert.True(official.RawData[..10000].SequenceEqual(Mnist.Value.Train.Labels));
    }

    [Fact]
    public void PixelStatistics_AreExact()
    {
        ImageDataset test = Mnist.Value.Test;
        PixelStatistics stats = test.ComputePixelStatistics();

        // Exact reference in integers: variance = (n·Σp² − (Σp)²) / n².
        Int128 n = test.Pixels.Length, sum = 0, sumOfSquares = 0;
        foreach (byte p in test.Pixels)
        {
            sum += p;
            sumOfSquares += p * p;
        }

        double exactVariance = (double)((n * sumOfSquares) - (sum * sum)) / (double)(n * n);
        Assert.Equal(10000L * 784, stats.Count);
        Assert.Equal((double)sum / (double)n, stats.Mean, 1e-13);
        Assert.Equal(Math.Sqrt(exactVariance), stats.StandardDeviation, 1e-11);
        Assert.Equal((0, 255), (stats.Min, stats.Max));

        // MNIST's well-known test-set normalisation constants.
        Assert.Equal(0.1325, stats.Mean / 255, 4);
        Assert.Equal(0.3105, stats.StandardDeviation / 255, 4);
    }

    [Fact]
    public void UnitInterval_DividesIn_TheTargetType()
    {
        var data = new ImageDataset([0, 1, 128, 255], [3], 2, 2);
        Assert.Equal([0, 1 / 255.0, 128 / 255.0, 1], data.ToTensors<double>(PixelScaling.UnitInterval).Features);
        Assert.Equal([0f, 1 / 255f, 128 / 255f, 1f], data.ToTensors<float>(PixelScaling.UnitInterval).Features);
        Assert.Equal([0, 1, 128, 255], data.ToTensors<double>(PixelScaling.None).Features);
    }

    [Fact]
    public void SinglePrecisionScaling_MatchesNumPysFloat32Division()
    {
        byte[] all = [.. Enumerable.Range(0, 256).Select(v => (byte)v)];
        double[] scaled = new ImageDataset(all, [0], 16, 16).ToTensors<double>(PixelScaling.UnitIntervalSinglePrecision).Features;
        for (int v = 0; v < 256; v++)
        {
            Assert.Equal((double)(v / 255f), scaled[v]);
        }

        // It really differs from the double division, or the option would be pointless.
        Assert.NotEqual(1 / 255.0, scaled[1]);
    }

    [Fact]
    public void Standardize_GivesZeroMeanUnitVariance_OrUsesTheGivenStatistics()
    {
        ImageDataset train = Mnist.Value.Train;
        double[] x = train.ToTensors<double>(PixelScaling.Standardize).Features;
        double mean = x.Average();
        double variance = x.Select(v => (v - mean) * (v - mean)).Average();
        Assert.Equal(0, mean, 1e-9);
        Assert.Equal(1, variance, 1e-9);

        PixelStatistics stats = train.ComputePixelStatistics();
        double[] test = Mnist.Value.Test.ToTensors<double>(PixelScaling.Standardize, stats).Features;
        Assert.Equal((Mnist.Value.Test.Pixels[200] - stats.Mean) / stats.StandardDeviation, test[200], 1e-12);
    }

    [Theory]
    [InlineData(PixelScaling.None)]
    [InlineData(PixelScaling.UnitInterval)]
    [InlineData(PixelScaling.UnitIntervalSinglePrecision)]
    [InlineData(PixelScaling.Standardize)]
    public void PixelsKeptAsBytes_ScaleToTheSameNumbersAsTheExpandedTensors(PixelScaling scaling)
    {
        ImageDataset test = Mnist.Value.Test.Slice(0, 200);
        var expanded = test.ToTensors<double>(scaling);
        var bytes = test.AsTensors<double>(scaling);
        Assert.True(bytes.IsByteBacked);
        Assert.Equal(expanded.Labels, bytes.Labels);
        double[] rows = new double[200 * 784];
        bytes.CopyExamples(0, 200, rows);
        Assert.Equal(expanded.Features, rows);

        // The per-pixel formula, for one pixel of each scaling (the table must not change the arithmetic).
        byte p = test.Pixels[300];
        double expected = scaling switch
        {
            PixelScaling.None => p,
            PixelScaling.UnitInterval => p / 255.0,
            PixelScaling.UnitIntervalSinglePrecision => p / 255f,
            _ => (p - test.ComputePixelStatistics().Mean) / test.ComputePixelStatistics().StandardDeviation,
        };
        Assert.Equal(expected, rows[300]);
    }

    [Fact]
    public void StandardizeConstantImages_IsRejected()
    {
        var data = new ImageDataset([7, 7, 7, 7], [0], 2, 2);
        Assert.Throws<ArgumentException>(() => data.ToTensors<float>(PixelScaling.Standardize));
    }

    [Fact]
    public void Flatten_ChangesOnlyTheReportedShape()
    {
        var data = new ImageDataset(new byte[2 * 6], [0, 1], 2, 3);
        Assert.Equal([2, 6], data.ToTensors<float>().Shape);
        Assert.Equal([2, 1, 2, 3], data.ToTensors<float>(flatten: false).Shape);
    }

    [Fact]
    public void FromIdx_RejectsMismatchedCounts_NamingBothFiles()
    {
        var images = IdxArray.FromBytes(new byte[3 * 4], 3, 2, 2);
        var labels = IdxArray.FromBytes([1, 2], 2);
        var e = Assert.Throws<DataFormatException>(() => ImageDataset.FromIdx(images, labels, "imgs", "lbls"));
        Assert.Contains("imgs", e.Message, StringComparison.Ordinal);
        Assert.Contains("lbls", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 labels", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void FromIdx_RejectsLabelsOutsideTheClasses()
    {
        var e = Assert.Throws<DataFormatException>(() =>
            ImageDataset.FromIdx(IdxArray.FromBytes(new byte[8], 2, 2, 2), IdxArray.FromBytes([3, 10], 2), "i", "l"));
        Assert.Contains("label 10 at index 1", e.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void FromIdx_RejectsSwappedFiles()
    {
        var images = IdxArray.FromBytes(new byte[8], 2, 2, 2);
        var labels = IdxArray.FromBytes([0, 1], 2);
        Assert.Throws<DataFormatException>(() => ImageDataset.FromIdx(labels, images, "labels-as-images", "images-as-labels"));
        Assert.Throws<DataFormatException>(() => ImageDataset.FromIdx(IdxArray.FromValues<float>(new float[8], 2, 2, 2), labels, "floats", "l"));
    }
}
