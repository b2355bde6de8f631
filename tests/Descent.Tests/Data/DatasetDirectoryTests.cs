using Descent.Data;

namespace Descent.Tests.Data;

public sealed class DatasetDirectoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-dir-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, IdxArray array) => IdxFile.Write(Path.Combine(_dir, name), array);

    [Fact]
    public void StandardNames_RawOrGzip_AreFound()
    {
        Write("train-images-idx3-ubyte", IdxArray.FromBytes(new byte[3 * 4], 3, 2, 2));
        Write("train-labels-idx1-ubyte.gz", IdxArray.FromBytes([0, 1, 2], 3));
        Write("t10k-images.idx3-ubyte", IdxArray.FromBytes(new byte[2 * 4], 2, 2, 2));
        Write("t10k-labels-idx1-ubyte.gz", IdxArray.FromBytes([9, 9], 2));
        TrainTestSplit split = DatasetDirectory.Load(_dir);
        Assert.Equal(3, split.Train.Count);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 2], split.Test.ClassCounts());
    }

    [Fact]
    public void FullTrainingFiles_ArePreferredToTheSubset_AndNeverMixedWithIt()
    {
        Write("mnist10k-images-idx3-ubyte.gz", IdxArray.FromBytes(new byte[4], 1, 2, 2));
        Write("mnist10k-labels-idx1-ubyte.gz", IdxArray.FromBytes([0], 1));
        Write("train-labels-idx1-ubyte.gz", IdxArray.FromBytes([0, 1, 2], 3));
        Write("t10k-images-idx3-ubyte", IdxArray.FromBytes(new byte[4], 1, 2, 2));
        Write("t10k-labels-idx1-ubyte", IdxArray.FromBytes([0], 1));
        DatasetFiles files = DatasetDirectory.Locate(_dir);
        Assert.EndsWith("mnist10k-labels-idx1-ubyte.gz", files.TrainLabels, StringComparison.Ordinal);

        Write("train-images-idx3-ubyte.gz", IdxArray.FromBytes(new byte[12], 3, 2, 2));
        files = DatasetDirectory.Locate(_dir);
        Assert.EndsWith("train-images-idx3-ubyte.gz", files.TrainImages, StringComparison.Ordinal);
        Assert.EndsWith("train-labels-idx1-ubyte.gz", files.TrainLabels, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_ListsTheNamesLookedFor()
    {
        Write("train-images-idx3-ubyte", IdxArray.FromBytes(new byte[4], 1, 2, 2));
        var e = Assert.Throws<FileNotFoundException>(() => DatasetDirectory.Locate(_dir));
        Assert.Contains("training labels", e.Message, StringComparison.Ordinal);
        Assert.Contains("train-labels-idx1-ubyte[.gz]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFolder_IsADirectoryNotFoundError() =>
        Assert.Throws<DirectoryNotFoundException>(() => DatasetDirectory.Locate(Path.Combine(_dir, "nope")));
}
