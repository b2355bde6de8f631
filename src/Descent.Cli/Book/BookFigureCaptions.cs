namespace Descent.Cli.Book;

/// <summary>What each chapter-6 figure shows and how it relates to the book's figure, for <c>report.md</c>.</summary>
internal static class BookFigureCaptions
{
    /// <summary>The caption of the figure file <paramref name="name"/> (without extension) drawn in <paramref name="settings"/>'s mode.</summary>
    public static string For(string name, BookSettings settings)
    {
        string caption = name switch
        {
            "activations-sigmoid" => "Figures 6-10, 6-11 and 6-13 of the book: histograms of the activations of 5 layers of 100 sigmoid neurons for weights of std 1, std 0.01 and Xavier's 1/√n, one row per scale. Differences: the book draws each scale as its own figure; here they are the rows of one image, and each panel is labelled with the activations' mean and std.",
            "activations-relu" => "Figure 6-14 of the book: the same histograms for ReLU with std 0.01, Xavier and He weights. Differences: the three rows in one image, each panel labelled with the activations' mean and std.",
            "activations-tanh" => "No figure in the book: its text only says that tanh with Xavier weights gives a bell shape; these are the tanh histograms for the same three scales, drawn like figures 6-10 to 6-14.",
            "weight-init" => "Figure 6-15 of the book: the training loss of the 5-layer ReLU network with std 0.01, Xavier and He weights, smoothed and marked every 100 iterations, on the book's 0–2.5 axis.",
            "batch-norm" => "Figure 6-18 of the book: training accuracy per epoch with (solid) and without (dashed) batch normalisation at one weight scale.",
            "batch-norm-grid" => "Figure 6-19 of the book: the same at each of the 16 weight scales of np.logspace(0, −4, 16). Differences: each scale is run from seed 0 (the goldens' schema), while the book's script draws all scales from one continuing random stream.",
            "weight-decay" => "Figures 6-20 and 6-21 of the book: accuracy on the 300 training images and on the test set per epoch, without weight decay and with λ = 0.1. Differences: the two figures side by side in one image.",
            "dropout" => "Figure 6-23 of the book: train and test accuracy per epoch without dropout (left) and with dropout 0.2 (right), trained by the book's Trainer.",
            "dropout-loss" => "No figure in the book: the Trainer's training loss after each update, with and without dropout (the loss the book's Trainer prints).",
            "search" => "Figure 6-24 of the book: validation (solid) and training (dashed) accuracy per epoch of the best trials of the random search, best first, each titled with its learning rate and weight decay.",
            _ => $"{name}: the book has no corresponding figure.",
        };

        string mode = settings.ReproduceBook
            ? " The numbers are the book's own (--reproduce-book)."
            : $" Computed in {settings.Precision} with the fast kernels: the book's curves in shape, not to the digit (--reproduce-book gives the book's numbers).";
        string prefix = settings.Prefix is { } n ? $" Only the first {n} iterations of each training were run (--prefix)." : string.Empty;
        return caption + mode + prefix;
    }
}
