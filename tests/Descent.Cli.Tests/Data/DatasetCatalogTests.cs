using System.Security.Cryptography;
using Descent.Cli.Data;
using Descent.Testing;

namespace Descent.Cli.Tests.Data;

public class DatasetCatalogTests
{
    [Theory]
    [InlineData("t10k-images-idx3-ubyte.gz")]
    [InlineData("t10k-labels-idx1-ubyte.gz")]
    [InlineData("train-labels-idx1-ubyte.gz")]
    public void MnistChecksums_MatchTheOfficialFilesInTheRepository(string name)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Goldens.RepositoryRoot, "data", "mnist", name));
        RemoteFile file = DatasetCatalog.Mnist.Files.Single(f => f.Name == name);
        Assert.Equal(file.Length, bytes.Length);
        Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public void EveryDataset_HasTheFourStandardFiles_TwoMirrors_AndWellFormedSums()
    {
        foreach (RemoteDataset dataset in DatasetCatalog.All)
        {
            Assert.Equal(
                ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
                dataset.Files.Select(f => f.Name).Order());
            Assert.True(dataset.Mirrors.Count >= 2);
            Assert.All(dataset.Mirrors, m => Assert.EndsWith("/", m.AbsoluteUri, StringComparison.Ordinal));
            Assert.All(dataset.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
            Assert.Equal(dataset.Files.Count, dataset.Files.Select(f => f.Sha256).Distinct().Count());
        }
    }
}
