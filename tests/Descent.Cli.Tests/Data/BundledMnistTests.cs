using System.Security.Cryptography;
using Descent.Cli.Data;
using Descent.Testing;

namespace Descent.Cli.Tests.Data;

public class BundledMnistTests
{
    [Fact]
    public void EmbeddedFiles_AreByteForByteTheRepositoryCopies()
    {
        foreach (string name in BundledMnist.FileNames)
        {
            using Stream embedded = BundledMnist.Open(name);
            byte[] onDisk = File.ReadAllBytes(Path.Combine(Goldens.RepositoryRoot, "data", "mnist", name));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(onDisk)), Convert.ToHexStringLower(SHA256.HashData(embedded)));
        }
    }

    [Fact]
    public void Load_NeedsNoFilesOnDisk()
    {
        string before = Environment.CurrentDirectory;
        string elsewhere = Directory.CreateTempSubdirectory("descent-cwd-").FullName;
        try
        {
            Environment.CurrentDirectory = elsewhere;
            LoadedDataset data = DataFiles.Load(null);
            Assert.Equal((10000, 10000), (data.Data.Train.Count, data.Data.Test.Count));
            Assert.Equal("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", data.Files[2].Sha256);
        }
        finally
        {
            Environment.CurrentDirectory = before;
            Directory.Delete(elsewhere);
        }
    }
}
