using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli;

/// <summary><c>descent compare-mnist</c>: optimizers training the same network on the same MNIST batches.</summary>
internal static class CompareMnistCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var mnist = new MnistOptions();
        var optimizers = LabOptions.Optimizers("--optimizer adam:lr=0.001 --optimizer SGD:lr=0.1,momentum=0.9 (default: the book's four)");
        var conventions = LabOptions.ConventionsOption();
        var reproduce = ReproduceOption();
        var check = CheckOption();
        var output = LabOptions.Out();
        var seeds = new SeedOptions();
        var command = LabOptions.CommandWith(
            "compare-mnist",
            "Train the book's MNIST network — or an MLP on your own CSV or .npy data (--data) — with several optimizers on the same batches and compare their loss curves (the book's figure 6-9). Alias: compare-data.",
            mnist.All.Concat([optimizers, conventions, reproduce, check, output]).Concat(seeds.All));
        command.Aliases.Add("compare-data");

        command.SetAction(parse =>
        {
            using var interruption = new Interruption(console);
            var record = Execute(console, parse, mnist, seeds, "compare-mnist", parse.GetValue(optimizers), LabOptions.ParseConventions(parse.GetValue(conventions)!), parse.GetValue(reproduce), parse.GetValue(check), interruption.Token);
            return RunOutput.Conclude(console, record, RunFolder.CreateOrDefault(parse.GetValue(output)), interruption);
        });
        return command;
    }

    public static Option<bool> ReproduceOption() => new("--reproduce-book")
    {
        Description = "Reproduce the book's run exactly: NumPy's random stream with seed 0, float64, the book's four optimizers, "
            + "network and loss formula, on the bundled data, flushing off, matrix products summed in reference-BLAS order (slower).",
    };

    public static Option<string?> CheckOption() => new("--check")
    {
        Description = "A reference file in the goldens' book schema (e.g. tests/goldens/book/mnist_compare_losses.json): print each optimizer's largest relative loss difference from it.",
        HelpName = "FILE",
    };

    /// <summary>Runs the MNIST part for compare and compare-mnist and returns the record (not yet saved); <paramref name="stop"/> ends the runs early (Ctrl-C).</summary>
    public static RunRecord Execute(IAnsiConsole console, ParseResult parse, MnistOptions mnist, SeedOptions? seedOptions, string command, string[]? optimizerTexts, Conventions conventions, bool reproduceBook, string? check, CancellationToken stop = default)
    {
        var specs = optimizerTexts is { Length: > 0 }
            ? OptimizerSpec.WithUniqueLabels([.. optimizerTexts.Select(t => OptimizerSpec.Parse(t))])
            : MnistExperiment.BookOptimizers;
        if (reproduceBook)
        {
            RejectWithBook(parse, mnist, optimizerTexts, conventions);
        }

        // Validate everything the user typed before loading data or building anything.
        var data = LabDataLoader.LoadFrom(mnist.DataSource.Read(parse));
        var settings = mnist.Settings(parse, conventions, data);
        bool useDouble = mnist.IsDouble(parse) || reproduceBook;
        if (reproduceBook)
        {
            settings = settings with { BookLoss = true, FlushDenormals = false, Seed = 0, SequentialGemm = true };
        }

        LabOptimizers.Validate(specs, conventions);
        if (settings.Schedule is not null && specs.FirstOrDefault(s => LabOptimizers.NeedsClosure(s, conventions)) is { } closure)
        {
            throw new UsageException($"--schedule does not apply to '{closure.Text}': L-BFGS controls its own step length (its line search).");
        }

        var (seeds, target) = seedOptions?.Read(parse, settings.Seed) ?? (1, null);
        if (reproduceBook && (seeds > 1 || target is not null))
        {
            throw new UsageException("--reproduce-book is the book's single run; it cannot be combined with --seeds or --target.");
        }

        var result = seeds > 1 || target is not null
            ? SeedRepeats.Run(console, data, settings, specs, useDouble, seeds, target, stop)
            : MnistOptions.Run(console, data, settings, specs, useDouble, stop);
        var record = new RunRecord
        {
            Command = command + (reproduceBook ? " --reproduce-book" : string.Empty),
            Created = RunOutput.Now(),
            Seed = settings.Seed,
            FlushDenormals = settings.FlushDenormals && LabDenormals.IsSupported,
            Settings = MnistOptions.Describe(settings, useDouble, specs, data.Description),
            Mnist = result,
            LinearY = parse.GetValue(mnist.LinearY),
        };
        if (check is not null)
        {
            record.Check = GoldenCheck.Compare(result, check);
        }

        return record;
    }

    /// <summary>Names each run that diverged (its curve is kept up to there); 1 when every run of a part diverged, else 0.</summary>
    public static int ReportDivergence(IAnsiConsole console, RunRecord record) =>
        RunOutput.NoteDivergences(console, record) ? Program.RunFailure : 0;

    private static void RejectWithBook(ParseResult parse, MnistOptions mnist, string[]? optimizerTexts, Conventions conventions)
    {
        var conflicts = new List<string>();
        if (optimizerTexts is { Length: > 0 })
        {
            conflicts.Add("--optimizer");
        }

        if (conventions != Conventions.Book)
        {
            conflicts.Add("--conventions pytorch");
        }

        foreach (var option in new Option[] { mnist.Hidden, mnist.Activation, mnist.Init, mnist.BatchSize, mnist.Iterations, mnist.Epochs, mnist.Schedule, mnist.WeightDecay, mnist.BatchNorm, mnist.Dropout, mnist.Seed, mnist.Data, mnist.Precision }.Concat(mnist.DataSource.Extra))
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                conflicts.Add(option.Name);
            }
        }

        if (conflicts.Count > 0)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--reproduce-book fixes the book's setup; it cannot be combined with {string.Join(", ", conflicts)}."));
        }
    }
}
