namespace Descent.Cli.Data;

/// <summary>One file of a downloadable dataset.</summary>
/// <param name="Name">The file name, the same on every mirror.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
internal sealed record RemoteFile(string Name, long Length, string Sha256);

/// <summary>A dataset <c>descent data download</c> can fetch.</summary>
/// <param name="Name">The name on the command line.</param>
/// <param name="Title">Its title for people.</param>
/// <param name="Licence">Who made it and under which licence.</param>
/// <param name="Mirrors">Base addresses, tried in turn; a file's address is the base plus its name.</param>
/// <param name="Files">The files.</param>
internal sealed record RemoteDataset(string Name, string Title, string Licence, IReadOnlyList<Uri> Mirrors, IReadOnlyList<RemoteFile> Files)
{
    /// <summary>The same dataset fetched from other mirrors (the <c>--mirror</c> option).</summary>
    /// <param name="mirrors">Base addresses, tried in turn.</param>
    /// <returns>The dataset with those mirrors.</returns>
    public RemoteDataset WithMirrors(IReadOnlyList<Uri> mirrors) => this with { Mirrors = mirrors };
}

/// <summary>The datasets <c>descent data download</c> knows, with their mirrors and checksums.</summary>
internal static class DatasetCatalog
{
    /// <summary>
    /// MNIST (60,000 training and 10,000 test images). Sizes and SHA-256 sums are TensorFlow Datasets'
    /// (tensorflow_datasets/url_checksums/mnist.txt, for the storage.googleapis.com mirror); the test set's
    /// and the training labels' sums equal those of the official files bundled in <c>data/mnist/</c>, and
    /// torchvision's MD5 list (f68b3c2d…, d53e105e…, 9fb629c4…, ec29112d…) names the same files on the ossci mirror.
    /// </summary>
    public static readonly RemoteDataset Mnist = new(
        "mnist",
        "MNIST",
        "Yann LeCun, Corinna Cortes, Christopher Burges; CC BY-SA 3.0",
        [new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"), new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/")],
        [
            new("train-images-idx3-ubyte.gz", 9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            new("train-labels-idx1-ubyte.gz", 28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            new("t10k-images-idx3-ubyte.gz", 1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            new("t10k-labels-idx1-ubyte.gz", 4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
        ]);

    /// <summary>
    /// Fashion-MNIST (Zalando Research; same shapes and file names as MNIST). Sizes and SHA-256 sums are
    /// TensorFlow Datasets' (tensorflow_datasets/url_checksums/fashion_mnist.txt, for the Zalando S3 mirror);
    /// the GitHub copy in zalandoresearch/fashion-mnist is the same files.
    /// </summary>
    public static readonly RemoteDataset FashionMnist = new(
        "fashion-mnist",
        "Fashion-MNIST",
        "Zalando SE (Han Xiao, Kashif Rasul, Roland Vollgraf); MIT licence",
        [
            new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
        ],
        [
            new("train-images-idx3-ubyte.gz", 26421880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            new("train-labels-idx1-ubyte.gz", 29515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            new("t10k-images-idx3-ubyte.gz", 4422102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            new("t10k-labels-idx1-ubyte.gz", 5148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
        ]);

    /// <summary>Every dataset, in the order help lists them.</summary>
    public static readonly IReadOnlyList<RemoteDataset> All = [Mnist, FashionMnist];

    /// <summary>Finds a dataset by its command-line name.</summary>
    /// <param name="name">E.g. <c>mnist</c>.</param>
    /// <returns>The dataset, or null.</returns>
    public static RemoteDataset? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
