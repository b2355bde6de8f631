using System.CommandLine;
using System.Globalization;
using Descent.Cli.Data;
using Descent.Data;
using Spectre.Console;

namespace Descent.Cli;

/// <summary>What the <c>data</c> commands use from the outside world; tests substitute a local server and their own catalog.</summary>
/// <param name="Catalog">The downloadable datasets.</param>
/// <param name="CreateHttpClient">Makes the HTTP client downloads use.</param>
/// <param name="IdleTimeout">How long a download may stall before its mirror is abandoned.</param>
internal sealed record DataCommandEnvironment(IReadOnlyList<RemoteDataset> Catalog, Func<HttpClient> CreateHttpClient, TimeSpan IdleTimeout)
{
    /// <summary>The real catalog and network.</summary>
    public static DataCommandEnvironment Default { get; } = new(
        DatasetCatalog.All,
        static () => new HttpClient { Timeout = Timeout.InfiniteTimeSpan },
        TimeSpan.FromSeconds(30));
}

/// <summary><c>descent data</c>: inspect the bundled or a given dataset, and download the full standard ones.</summary>
internal static class DataCommand
{
    public static Command Create(DataCommandEnvironment? environment = null)
    {
        environment ??= DataCommandEnvironment.Default;
        var command = new Command("data", "Datasets: show what the lab trains on, or download full MNIST / Fashion-MNIST.");
        command.Subcommands.Add(CreateInfo());
        command.Subcommands.Add(CreateDownload(environment));
        return command;
    }

    /// <summary>A Spectre console writing to the invocation's output (a terminal gets colour; anything else plain, wide text).</summary>
    internal static IAnsiConsole ConsoleFor(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Checksums are 64 characters; a file or pipe has no width to respect.
            console.Profile.Width = 200;
        }

        return console;
    }

    private static Command CreateInfo()
    {
        Option<string?> data = DataFiles.CreateOption();
        var command = new Command("info", "Counts, shapes, class balance, pixel statistics and SHA-256 checksums of the dataset the lab would use.");
        command.Options.Add(data);
        command.SetAction(parseResult =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            LoadedDataset loaded;
            try
            {
                loaded = DataFiles.Load(parseResult.GetValue(data));
            }
            catch (Exception e) when (e is DataFormatException or FileNotFoundException or DirectoryNotFoundException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"descent data info: {e.Message}");
                return Program.RunFailure;
            }

            WriteInfo(ConsoleFor(output), loaded);
            return 0;
        });
        return command;
    }

    private static void WriteInfo(IAnsiConsole console, LoadedDataset loaded)
    {
        ImageDataset train = loaded.Data.Train, test = loaded.Data.Test;
        console.MarkupLineInterpolated($"[bold]Dataset:[/] {loaded.Description}");

        var splits = new Table().Title("Splits and pixel statistics (raw 0–255; in brackets ÷255)")
            .AddColumns("split", "images", "shape", "classes", "mean", "std", "min", "max");
        foreach ((string name, ImageDataset set) in (ReadOnlySpan<(string, ImageDataset)>)[("train", train), ("test", test)])
        {
            PixelStatistics stats = set.ComputePixelStatistics();
            splits.AddRow(
                name,
                set.Count.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape($"[{set.Count}, {set.Height}, {set.Width}]"),
                set.ClassCount.ToString(CultureInfo.InvariantCulture),
                $"{F(stats.Mean, "0.000")} ({F(stats.Mean / 255, "0.0000")})",
                $"{F(stats.StandardDeviation, "0.000")} ({F(stats.StandardDeviation / 255, "0.0000")})",
                stats.Min.ToString(CultureInfo.InvariantCulture),
                stats.Max.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(splits);

        int[] trainCounts = train.ClassCounts(), testCounts = test.ClassCounts();
        var balance = new Table().Title("Class balance").AddColumns("class", "train", "train %", "test", "test %");
        for (int c = 0; c < Math.Max(trainCounts.Length, testCounts.Length); c++)
        {
            int a = c < trainCounts.Length ? trainCounts[c] : 0, b = c < testCounts.Length ? testCounts[c] : 0;
            balance.AddRow(
                c.ToString(CultureInfo.InvariantCulture),
                a.ToString(CultureInfo.InvariantCulture),
                F(100.0 * a / Math.Max(1, train.Count), "0.00"),
                b.ToString(CultureInfo.InvariantCulture),
                F(100.0 * b / Math.Max(1, test.Count), "0.00"));
        }

        console.Write(balance);

        var files = new Table().Title("Files (as stored)").AddColumns("role", "file", "bytes", "SHA-256");
        foreach (DataFileInfo file in loaded.Files)
        {
            files.AddRow(Markup.Escape(file.Role), Markup.Escape(file.Name), file.Length.ToString(CultureInfo.InvariantCulture), file.Sha256);
        }

        console.Write(files);
    }

    private static Command CreateDownload(DataCommandEnvironment environment)
    {
        var name = new Argument<string>("dataset")
        {
            Description = "Which dataset: " + string.Join(", ", environment.Catalog.Select(d => $"{d.Name} ({d.Title})")) + ".",
        };
        string[] names = [.. environment.Catalog.Select(d => d.Name)];
        name.CompletionSources.Add(names);
        name.CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            string? match = names.FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                result.AddError($"dataset '{text}' is not one of: {string.Join(", ", names)}.");
            }

            return match ?? text;
        };
        var to = new Option<string?>("--to")
        {
            Description = "Destination folder. Default: the per-user data folder's descent/datasets/NAME, which '--data NAME' finds.",
            HelpName = "DIR",
        };
        var mirrors = new Option<Uri[]>("--mirror")
        {
            Description = "Base address to fetch the files from instead of the built-in mirrors (repeatable, tried in turn). Checksums are still enforced.",
            HelpName = "URL",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result => [.. result.Tokens.Select(t => ParseMirror(t.Value, result))],
        };

        var command = new Command("download", "Download a full standard dataset from its public mirrors, verified against known SHA-256 sums.");
        command.Arguments.Add(name);
        command.Options.Add(to);
        command.Options.Add(mirrors);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            RemoteDataset dataset = environment.Catalog.First(d => d.Name == parseResult.GetValue(name));
            if (parseResult.GetValue(mirrors) is { Length: > 0 } custom)
            {
                dataset = dataset.WithMirrors(custom);
            }

            string directory = Path.GetFullPath(parseResult.GetValue(to) ?? DataFiles.DefaultDownloadDirectory(dataset.Name));
            await output.WriteLineAsync($"Downloading {dataset.Title} ({dataset.Licence}) to {directory}").ConfigureAwait(false);
            using HttpClient http = environment.CreateHttpClient();
            var downloader = new DatasetDownloader(http, environment.IdleTimeout, line => output.WriteLine(line));
            try
            {
                await downloader.DownloadAsync(dataset, directory, cancellationToken).ConfigureAwait(false);
            }
            catch (DownloadException e)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"descent data download: {e.Message}").ConfigureAwait(false);
                return Program.RunFailure;
            }

            // The checksums vouch for the bytes; reading the files once more proves the folder is usable as --data.
            TrainTestSplit split = DatasetDirectory.Load(directory);
            string use = parseResult.GetValue(to) is null ? dataset.Name : directory;
            await output.WriteLineAsync(
                $"Done: {split.Train.Count:N0} training and {split.Test.Count:N0} test images of {split.Train.Height}×{split.Train.Width}. Use it with --data {use}")
                .ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Uri ParseMirror(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"--mirror: '{text}' is not an http:// or https:// address.");
        return new Uri("http://invalid/");
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
