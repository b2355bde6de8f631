using System.Globalization;

namespace Descent.Cli.Lab;

/// <summary>
/// What each figure of a run's report shows and how it relates to the book's figure: the figure it corresponds to
/// (or that it has none), and every way this run or this drawing differs from the book's, so a reader comparing the
/// two knows what to expect.
/// </summary>
internal static class FigureCaptions
{
    /// <summary>The book's network and data for figure 6-9 (ch06/optimizer_compare_mnist.py).</summary>
    private const string BookNetwork = "784-100-100-100-100-10 ReLU, he init";

    /// <summary>The caption of <paramref name="figure"/> (a file name without extension) of <paramref name="record"/>.</summary>
    public static string For(RunRecord record, string figure) => figure switch
    {
        "trajectories" when record.TwoD is { } twoD => Trajectories(twoD),
        "values" when record.TwoD is { } twoD => $"The value of f(x, y) = {twoD.Formula} after each step of each path (log scale when it spans decades). The book has no such figure: it shows the paths only (figure 6-8); this one says how fast each optimizer closes in.",
        "losses" when record.Mnist is { } mnist => Losses(record, mnist),
        "losses_seeds" when record.Mnist is { } mnist => string.Create(CultureInfo.InvariantCulture, $"Each optimizer's smoothed training loss over {mnist.Repeats?.Count ?? 1} seeds: the median (line) and the range across seeds (band). The book has no such figure: its figure 6-9 is one run from seed 0; this one shows how much of a difference between optimizers is the seed's."),
        _ => Fixed(figure),
    };

    /// <summary>The caption of a figure that says the same whatever the run (no run at hand, e.g. a report section's own figure).</summary>
    public static string Fixed(string figure) => figure switch
    {
        "budget" => "What each tuned configuration reaches for a given training budget. The book has no such figure: its search (figure 6-24) shows the accuracy curves of the best trials, not a budget.",
        "values_seeds" => "f along the paths from each seed's random start near the start point: per optimizer the median over the completed paths (line) and the range across seeds (band). The book has no such figure: its figure 6-8 shows one path per optimizer from one fixed start.",
        "diagnostics" => "Per layer, over the iterations: the gradient norm, the step's norm, its ratio to the weights and the adaptive methods' effective step per element. The book has no such figure: it compares optimizers by their loss alone (figure 6-9); this one shows why they differ.",
        _ => $"{figure}: the book has no corresponding figure.",
    };

    private static string Trajectories(TwoDRecord twoD)
    {
        var differences = new List<string>();
        if (twoD.Function != Descent.Functions.TestFunction.Bowl.Name)
        {
            differences.Add($"the function is {twoD.Function}, f(x, y) = {twoD.Formula} (the book's is x²/20 + y²)");
        }

        if ((twoD.StartX, twoD.StartY) != (-7.0, 2.0))
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"the start is ({twoD.StartX}, {twoD.StartY}) (the book's (−7, 2))"));
        }

        if (twoD.Steps != TwoDExperiment.BookSteps)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"{twoD.Steps} steps (the book's {TwoDExperiment.BookSteps})"));
        }

        if (!IsBooks(twoD.Runs.Select(r => r.Optimizer), TwoDExperiment.BookOptimizers))
        {
            differences.Add($"the optimizers are {string.Join(", ", twoD.Runs.Select(r => r.Optimizer))} (the book's: SGD lr 0.95, Momentum lr 0.1, AdaGrad lr 1.5, Adam lr 0.3)");
        }

        differences.Add("the start (□) and the minima (+) are marked and each panel's title gives the final f; the book draws the paths with markers over plain contours");
        return $"Figure 6-8 of the book{(differences.Count > 1 ? " (its layout, on this run's setup)" : string.Empty)}: each optimizer's path over the contours of f, one panel per optimizer. Differences: {string.Join("; ", differences)}.";
    }

    /// <summary>Whether the recorded optimizers (spec and resolved class) are the book's, in its order.</summary>
    private static bool IsBooks(IEnumerable<string> recorded, IReadOnlyList<OptimizerSpec> book) =>
        recorded.SequenceEqual(book.Select(s => $"{s.Text} ({LabOptimizers.Describe(s, Conventions.Book)})"));

    private static string Losses(RunRecord record, MnistRecord mnist)
    {
        var differences = new List<string>();
        bool longRun = mnist.Runs.Any(r => r.Loss.Length >= Plots.LongRunIterations);
        differences.Add(record.LinearY
            ? "the axis is linear from 0 to 1, as the book's (--linear-y)"
            : "the axis is logarithmic when the losses span decades (the book's is linear from 0 to 1; --linear-y draws that)");
        differences.Add(longRun
            ? $"runs of {Plots.LongRunIterations:N0} iterations or more are drawn as a moving median over the raw loss's range, since the book's 11-point smoothing leaves them unreadable"
            : "the raw losses are drawn faintly behind the book's smoothed curve (smooth_curve: an 11-point Kaiser window), and there are no markers every 100 iterations");
        if (record.Command.StartsWith("train", StringComparison.Ordinal))
        {
            differences.Add("one optimizer, trained by `descent train`");
        }
        else if (!IsBooks(mnist.Runs.Select(r => r.Optimizer), MnistExperiment.BookOptimizers))
        {
            differences.Add($"the optimizers are {string.Join(", ", mnist.Runs.Select(r => r.Optimizer))} (the book's: SGD, Momentum and AdaGrad at lr 0.01, Adam at 0.001)");
        }

        if (mnist.Network != BookNetwork)
        {
            differences.Add($"the network is {mnist.Network} (the book's {BookNetwork})");
        }

        if (mnist.Iterations != 2000 || mnist.BatchSize != 128)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"{mnist.Iterations} iterations of batch {mnist.BatchSize} (the book's 2000 of 128)"));
        }

        if (mnist.Precision != "float64")
        {
            differences.Add($"{mnist.Precision} arithmetic (the book's NumPy computes in float64)");
        }

        if (!mnist.Data.StartsWith("bundled MNIST", StringComparison.Ordinal))
        {
            differences.Add($"the data is {mnist.Data} (the book's: the first 10,000 MNIST training images)");
        }

        if (record.Command.Contains("--reproduce-book", StringComparison.Ordinal))
        {
            differences.Add("the numbers are the book's own run (--reproduce-book: NumPy's random stream, float64, reference-BLAS order)");
        }

        return $"Figure 6-9 of the book: the training loss of each optimizer after each update, on the same batches. Differences: {string.Join("; ", differences)}.";
    }
}
