using System.CommandLine;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli.Book;

/// <summary>One chapter-6 figure and the command that draws it.</summary>
internal sealed record BookFigure(string Figure, string Shows, string Command);

/// <summary>
/// <c>descent book</c>: the experiments of the book's chapter 6 (sections 6.2–6.5), one subcommand per script, each
/// exact to the book's NumPy code under <c>--reproduce-book</c>. Without a subcommand it lists every figure of the
/// chapter with the command that draws it.
/// </summary>
internal static class BookCommand
{
    public static readonly BookFigure[] Figures =
    [
        new("6-8", "four optimizers on f(x, y) = x²/20 + y²", "descent compare --reproduce-book"),
        new("6-9", "four optimizers on MNIST", "descent compare-mnist --reproduce-book"),
        new("6-10", "sigmoid activations with std 1 weights pile up at 0 and 1", "descent book activations"),
        new("6-11", "sigmoid activations with std 0.01 weights collapse to 0.5", "descent book activations"),
        new("6-13", "sigmoid activations with Xavier weights stay spread out", "descent book activations"),
        new("6-14", "ReLU activations with std 0.01, Xavier and He weights", "descent book activations"),
        new("6-15", "std 0.01 vs Xavier vs He on MNIST", "descent book init"),
        new("6-18", "training with and without batch normalisation", "descent book batch-norm"),
        new("6-19", "the same over 16 weight scales", "descent book batch-norm --grid"),
        new("6-20", "overfitting: 300 images, train vs test accuracy", "descent book weight-decay"),
        new("6-21", "the same with weight decay λ = 0.1", "descent book weight-decay"),
        new("6-22", "dropout: the network", "descent book dropout"),
        new("6-23", "train vs test accuracy with dropout 0.2 (and without)", "descent book dropout"),
        new("6-24", "random search over learning rate and weight decay", "descent book search"),
    ];

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("book", "The experiments of the book's chapter 6 (Deep Learning from Scratch): weight initialisation, batch normalisation, overfitting, weight decay, dropout, hyperparameter search. Without a subcommand: every figure of the chapter and the command that draws it.");
        command.SetAction(_ =>
        {
            PrintFigures(console);
            return 0;
        });
        command.Subcommands.Add(Experiment(console, "activations", BookKind.ActivationHistograms, "Figures 6-10, 6-11, 6-13, 6-14: histograms of the activations of 5 layers for weight scales std 1, 0.01, Xavier, He × sigmoid, ReLU, tanh."));
        command.Subcommands.Add(Experiment(console, "init", BookKind.WeightInitCompare, "Figure 6-15: std 0.01 vs Xavier vs He initialisation on the book's MNIST network, 2000 iterations, shared batches."));
        command.Subcommands.Add(Experiment(console, "batch-norm", BookKind.BatchNorm, "Figure 6-18 (and 6-19 with --grid): training accuracy with and without batch normalisation on 1000 images."));
        command.Subcommands.Add(Experiment(console, "weight-decay", BookKind.OverfitWeightDecay, "Figures 6-20, 6-21: a 7-layer network overfitting 300 images, without and with weight decay λ = 0.1."));
        command.Subcommands.Add(Experiment(console, "dropout", BookKind.OverfitDropout, "Figures 6-22, 6-23: the same network with the book's dropout (0.2) and without, trained by the book's Trainer."));
        command.Subcommands.Add(Experiment(console, "search", BookKind.HyperparameterSearch, "Figure 6-24: random search over learning rate and weight decay (100 trials, 50 epochs each, in parallel, resumable)."));
        return command;
    }

    public static void PrintFigures(IAnsiConsole console)
    {
        var table = new Table().Title("Chapter 6 of Deep Learning from Scratch in the lab");
        table.AddColumn("Figure");
        table.AddColumn("Shows");
        table.AddColumn("Command");
        foreach (var f in Figures)
        {
            table.AddRow(Markup.Escape(f.Figure), Markup.Escape(f.Shows), Markup.Escape(f.Command));
        }

        console.Write(table);
        console.MarkupLine("Each command: the book's settings by default (float32, fast kernels); [bold]--reproduce-book[/] for the book's exact numbers (NumPy's stream, float64, reference-BLAS order); [bold]--check FILE[/] to compare with a reference such as tests/goldens/book/ch6/*.json.");
    }

    private static Command Experiment(IAnsiConsole console, string name, BookKind kind, string description)
    {
        var reproduce = new Option<bool>("--reproduce-book")
        {
            Description = "The book's exact numbers: NumPy's legacy stream seeded 0, float64, matrix products in reference-BLAS order, no denormal flushing (slower).",
        };
        var check = new Option<string?>("--check")
        {
            Description = "A reference file in the schema of tests/goldens/book/ch6/README.md: print each curve's largest difference and PASS/FAIL against its tolerance.",
            HelpName = "FILE",
        };
        var precision = new Option<string>("--precision")
        {
            Description = "float (default, fast) or double; --reproduce-book is always double.",
            DefaultValueFactory = _ => "float",
        };
        precision.AcceptOnlyFromAmong("float", "double");
        var prefix = LabOptions.WithValidator(new Option<int?>("--prefix") { Description = "Run only the first N iterations of each training (a quick look; --check then compares that prefix).", HelpName = "N" }, v => v is < 1 ? "--prefix must be ≥ 1." : null);
        var data = new Option<string?>("--data") { Description = "An MNIST folder instead of the bundled data (the book's experiments take the first 300/500/1000 training images).", HelpName = "DIR" };
        var output = LabOptions.Out();
        var command = new Command(name, description) { reproduce, check, precision, prefix, output };
        if (kind != BookKind.ActivationHistograms)
        {
            command.Options.Add(data);
        }

        var grid = new Option<bool>("--grid") { Description = "All 16 weight scales of np.logspace(0, -4, 16), each from seed 0 (figure 6-19)." };
        var trials = LabOptions.Positive("--trials", "Random trials (the book's 100); trial k is the same in any run, so a shorter search is a prefix of the book's.", 100);
        var resume = new Option<string?>("--resume") { Description = "A search's run folder: keep its finished trials, run the rest.", HelpName = "DIR" };
        if (kind == BookKind.BatchNorm)
        {
            command.Options.Add(grid);
        }

        if (kind == BookKind.HyperparameterSearch)
        {
            command.Options.Add(trials);
            command.Options.Add(resume);
        }

        command.SetAction(parse =>
        {
            bool book = parse.GetValue(reproduce);
            if (book && parse.GetResult(precision) is { Implicit: false })
            {
                throw new UsageException("--reproduce-book computes in float64; it cannot be combined with --precision.");
            }

            var settings = new BookSettings { ReproduceBook = book, Double = parse.GetValue(precision) == "double", Prefix = parse.GetValue(prefix) };
            var actual = kind == BookKind.BatchNorm && parse.GetValue(grid) ? BookKind.BatchNormGrid : kind;
            string? checkFile = parse.GetValue(check);
            if (checkFile is not null && !File.Exists(checkFile))
            {
                throw new UsageException($"--check '{checkFile}': no such file.");
            }

            var folder = parse.GetValue(resume) is { } resumed ? ResumeFolder(resumed) : RunFolder.CreateOrDefault(parse.GetValue(output));
            var search = new SearchOptions(kind == BookKind.HyperparameterSearch ? parse.GetValue(trials) : 100, folder.File("trials"));
            var labData = actual == BookKind.ActivationHistograms ? null : LabDataLoader.Load(parse.GetValue(data));
            console.MarkupLineInterpolated($"descent book {name}: {(book ? "--reproduce-book (float64, NumPy's stream, reference-BLAS order)" : settings.Precision + ", fast kernels")}");
            var result = Chapter6.Run(actual, labData, settings, work => LabProgress.Run(console, work, settings.Parallelism), search);
            return BookOutput.Finish(console, actual, result, folder, checkFile, settings);
        });
        return command;
    }

    private static RunFolder ResumeFolder(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new UsageException($"--resume '{path}': no such folder.");
        }

        return new RunFolder(path);
    }

    /// <summary>Prints one line per curve of a comparison and returns whether all passed.</summary>
    public static bool PrintCheck(IAnsiConsole console, BookCheckResult check)
    {
        var results = check.Results;
        console.MarkupLineInterpolated($"check against {check.File}:");
        foreach (var r in results)
        {
            string difference = double.IsNaN(r.MaxRelativeError) ? "-" : Numbers.Format(r.MaxRelativeError, 2);
            string verdict = r.Passed ? "[green]PASS[/]" : "[red]FAIL[/]";
            string tolerance = r.Tolerance == 0 ? "exact" : Numbers.Format(r.Tolerance, 1);
            console.MarkupLine($"  {verdict}  {Markup.Escape(r.Case),-56} {difference,8} (tolerance {tolerance}){Markup.Escape(r.Reason is null ? string.Empty : "  " + r.Reason)}");
        }

        int failed = results.Count(r => !r.Passed);
        console.MarkupLineInterpolated($"  {results.Count} curves: {results.Count - failed} passed, {failed} failed");
        return failed == 0;
    }
}
