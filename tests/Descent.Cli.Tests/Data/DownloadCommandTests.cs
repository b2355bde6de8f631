using System.CommandLine;
using System.Security.Cryptography;
using Descent.Cli.Data;
using Descent.Data;

namespace Descent.Cli.Tests.Data;

public sealed class DownloadCommandTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-download-").FullName;
    private readonly Dictionary<string, byte[]> _files = new()
    {
        ["train-images-idx3-ubyte.gz"] = Gz(IdxArray.FromBytes(Noise(12 * 28 * 28, 1), 12, 28, 28)),
        ["train-labels-idx1-ubyte.gz"] = Gz(IdxArray.FromBytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1], 12)),
        ["t10k-images-idx3-ubyte.gz"] = Gz(IdxArray.FromBytes(Noise(5 * 28 * 28, 2), 5, 28, 28)),
        ["t10k-labels-idx1-ubyte.gz"] = Gz(IdxArray.FromBytes([9, 8, 7, 6, 5], 5)),
    };

    private readonly LocalHttpServer _server;

    public DownloadCommandTests() => _server = new LocalHttpServer(_files);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static byte[] Noise(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Gz(IdxArray array)
    {
        using var stream = new MemoryStream();
        IdxFile.Write(stream, array, compress: true);
        return stream.ToArray();
    }

    private RemoteDataset Dataset(params string[] behaviours) => new(
        "mnist",
        "Test MNIST",
        "test data",
        [.. behaviours.Select(_server.Mirror)],
        [.. _files.Select(f => new RemoteFile(f.Key, f.Value.Length, Convert.ToHexStringLower(SHA256.HashData(f.Value))))]);

    private static Task<(int Code, string Output, string Error)> RunAsync(RemoteDataset dataset, params string[] args) =>
        RunAsync(dataset, TimeSpan.FromSeconds(20), args);

    private static async Task<(int Code, string Output, string Error)> RunAsync(RemoteDataset dataset, TimeSpan idleTimeout, params string[] args)
    {
        var environment = new DataCommandEnvironment([dataset], static () => new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, idleTimeout);
        var root = new RootCommand { DataCommand.Create(environment) };
        var output = new StringWriter();
        var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int code = await root.Parse(["data", "download", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, timeout.Token);
        return (code, output.ToString(), error.ToString());
    }

    private void AssertFolderHoldsExactlyTheVerifiedFiles()
    {
        Assert.Equal(_files.Keys.Order(), Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
        foreach ((string name, byte[] bytes) in _files)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_dir, name)));
        }
    }

    [Fact]
    public async Task BrokenMirrors_AreSkippedInTurn_AndOnlyVerifiedFilesLand()
    {
        (int code, string output, string error) = await RunAsync(Dataset("missing", "drop", "corrupt", "good"), "mnist", "--to", _dir);

        Assert.True(code == 0, error + output);
        AssertFolderHoldsExactlyTheVerifiedFiles();
        Assert.Contains("HTTP 404", output, StringComparison.Ordinal);
        Assert.Contains("of " + _files["train-images-idx3-ubyte.gz"].Length + " bytes", output, StringComparison.Ordinal);
        Assert.Contains("SHA-256 mismatch", output, StringComparison.Ordinal);
        Assert.Contains("Done: 12 training and 5 test images of 28×28", output, StringComparison.Ordinal);
        Assert.Equal(4 * 4, _server.Requests.Count);
    }

    [Fact]
    public async Task StalledConnection_IsAbandonedAfterTheIdleTimeout()
    {
        // One file, so one stall: long enough that a busy machine never stalls the good mirror, short enough to keep the test quick.
        RemoteDataset dataset = Dataset("stall", "good");
        dataset = dataset with { Files = [dataset.Files.Single(f => f.Name == "t10k-labels-idx1-ubyte.gz")] };
        var log = new List<string>();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var downloader = new DatasetDownloader(http, TimeSpan.FromSeconds(3), log.Add);
        IReadOnlyList<string> paths = await downloader.DownloadAsync(dataset, _dir, CancellationToken.None);
        int length = _files["t10k-labels-idx1-ubyte.gz"].Length;
        // The server sends half and goes silent; on a loaded machine the idle timer can also fire before
        // that half arrives, which is the same stall seen earlier, so the byte count is not pinned.
        Assert.Single(log, line => System.Text.RegularExpressions.Regex.IsMatch(
            line, $@"no data for 3 s after (0|{length / 2}) of {length} bytes \(connection stalled\)"));
        Assert.Equal(_files["t10k-labels-idx1-ubyte.gz"], File.ReadAllBytes(Assert.Single(paths)));
        Assert.Single(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task EveryMirrorFailing_IsAClearErrorThatLeavesNothingBehind()
    {
        (int code, string output, string error) = await RunAsync(Dataset("drop", "corrupt"), "mnist", "--to", _dir);

        Assert.Equal(Program.RunFailure, code);
        Assert.Contains("Could not download Test MNIST's train-images-idx3-ubyte.gz from any of its 2 mirror(s)", error, StringComparison.Ordinal);
        Assert.Contains(_server.Mirror("drop") + "train-images-idx3-ubyte.gz", error, StringComparison.Ordinal);
        Assert.Contains("SHA-256 mismatch", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
        Assert.DoesNotContain("Done", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifiedFiles_AreNotFetchedAgain_ButAlteredOnesAre()
    {
        Assert.Equal(0, (await RunAsync(Dataset("good"), "mnist", "--to", _dir)).Code);
        int served = _server.Requests.Count;

        (int code, string output, _) = await RunAsync(Dataset("good"), "mnist", "--to", _dir);
        Assert.Equal(0, code);
        Assert.Equal(served, _server.Requests.Count);
        Assert.Contains("already present, SHA-256 verified", output, StringComparison.Ordinal);

        File.WriteAllBytes(Path.Combine(_dir, "t10k-labels-idx1-ubyte.gz"), [1, 2, 3]);
        (code, output, _) = await RunAsync(Dataset("good"), "mnist", "--to", _dir);
        Assert.Equal(0, code);
        Assert.Equal(served + 1, _server.Requests.Count);
        Assert.Contains("downloading it again", output, StringComparison.Ordinal);
        AssertFolderHoldsExactlyTheVerifiedFiles();
    }

    [Fact]
    public async Task MirrorOption_ReplacesTheBuiltInMirrors()
    {
        (int code, _, string error) = await RunAsync(Dataset("missing"), "mnist", "--to", _dir, "--mirror", _server.Mirror("good").ToString().TrimEnd('/'));
        Assert.True(code == 0, error);
        AssertFolderHoldsExactlyTheVerifiedFiles();
        Assert.All(_server.Requests, path => Assert.StartsWith("/good/", path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NonHttpMirror_IsAUsageError()
    {
        (int code, string output, string error) = await RunAsync(Dataset("good"), "mnist", "--to", _dir, "--mirror", "ftp://example.org/");
        Assert.NotEqual(0, code);
        Assert.Contains("ftp://example.org/", error + output, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task UnknownDataset_IsRejectedListingTheKnownOnes()
    {
        (int code, string output, string error) = await RunAsync(Dataset("good"), "cifar10", "--to", _dir);
        Assert.NotEqual(0, code);
        Assert.Contains("mnist", error + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_MidFile_LeavesNoPartialFile()
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var downloader = new DatasetDownloader(http, TimeSpan.FromSeconds(30), _ => { });
        using var cancel = new CancellationTokenSource();
        var download = downloader.DownloadAsync(Dataset("stall"), _dir, cancel.Token);

        // Cancel mid-file: once the server has the request (it sends half, then goes silent), however long a busy
        // machine takes to get there — a fixed timer could fire before the request was even sent.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (_server.Requests.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(200);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.Single(_server.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }
}
