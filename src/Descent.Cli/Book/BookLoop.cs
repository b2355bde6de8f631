using System.Numerics;
using Descent.Cli.Lab;
using Descent.NeuralNetworks;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Randomness;

namespace Descent.Cli.Book;

/// <summary>Where a book script's mini-batches come from: the rows of each batch, in order.</summary>
internal interface IBatchSource
{
    void Next(Span<int> rows);
}

/// <summary>
/// <c>np.random.choice(train_size, batch_size)</c> drawn as the run goes, from the stream that also draws the dropout
/// masks (the book's Trainer interleaves the two).
/// </summary>
internal sealed class DrawnBatches(IRandomSource random, int trainCount) : IBatchSource
{
    public void Next(Span<int> rows)
    {
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = random.NextInt(trainCount);
        }
    }
}

/// <summary>
/// Batches drawn before training: the scripts that train several networks on the same batches draw nothing else
/// once the networks exist, so drawing them all up front lets each network train on its own core.
/// </summary>
internal sealed class PresetBatches(int[] rows) : IBatchSource
{
    private int _next;

    public static PresetBatches Draw(IRandomSource random, int trainCount, int iterations, int batchSize)
    {
        var rows = new int[checked(iterations * batchSize)];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = random.NextInt(trainCount);
        }

        return new PresetBatches(rows);
    }

    /// <summary>The rows of iteration <paramref name="iteration"/> (for the goldens' batch-mask check).</summary>
    public int[] Batch(int iteration, int batchSize) => rows.AsSpan(iteration * batchSize, batchSize).ToArray();

    /// <summary>A fresh reader over the same rows, for another network.</summary>
    public PresetBatches Reader() => new(rows);

    public void Next(Span<int> destination)
    {
        rows.AsSpan(_next, destination.Length).CopyTo(destination);
        _next += destination.Length;
    }
}

/// <summary>A labelled set the loop measures accuracy on (the book's <c>network.accuracy(x, t)</c>).</summary>
internal sealed record EvaluationSet<T>(string Name, T[] Inputs, int[] Labels);

/// <summary>What the book's loop does each iteration.</summary>
internal sealed record BookLoopOptions
{
    public required int Iterations { get; init; }

    public required int BatchSize { get; init; }

    /// <summary>
    /// Evaluate when <c>i % period == 0</c> in floating point, as the scripts and the Trainer do
    /// (<c>iter_per_epoch = max(train_size / batch_size, 1)</c> is a float); 0 never evaluates.
    /// </summary>
    public double EvaluationPeriod { get; init; }

    /// <summary>Record the Trainer's <c>train_loss</c>: <c>network.loss</c> right after the update, on the same batch, in inference mode.</summary>
    public bool RecordLossAfterUpdate { get; init; }

    /// <summary>Multiply matrices in reference-BLAS order during training (<c>--reproduce-book</c>).</summary>
    public bool SequentialGemm { get; init; }

    public bool FlushDenormals { get; init; }
}

/// <summary>What one network's run recorded.</summary>
internal sealed class BookCurves
{
    /// <summary>The book's cross-entropy of the training-mode forward pass inside <c>gradient()</c>, before each update (no weight-decay term).</summary>
    public List<double> CrossEntropyBeforeUpdate { get; } = [];

    /// <summary><c>network.loss</c> after each update (weight-decay term included), when recorded.</summary>
    public List<double> LossAfterUpdate { get; } = [];

    /// <summary>Accuracy per evaluation, by set name.</summary>
    public Dictionary<string, List<double>> Accuracy { get; } = [];

    public double Seconds { get; set; }
}

/// <summary>
/// The book's training loop, as its ch. 6 scripts and <c>common/trainer.py</c> write it: per iteration one batch,
/// <c>gradient</c> → <c>update</c> → (the Trainer's post-update loss on the same batch) → evaluation when the float
/// period divides the iteration. It is the seam these experiments train through until the library's training loop
/// (issue 17) can express the Trainer's quirks; every experiment calls only <see cref="Train"/>.
/// </summary>
internal static class BookLoop
{
    public static BookCurves Train<T>(
        Network<T> network,
        IOptimizer optimizer,
        T[] train,
        int[] trainLabels,
        IBatchSource batches,
        IReadOnlyList<EvaluationSet<T>> evaluation,
        BookLoopOptions options,
        IProgressReporter? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = options.BatchSize, width = network.InputSize;
        var x = new T[batch * width];
        var labels = new int[batch];
        var rows = new int[batch];
        var curves = new BookCurves();
        foreach (var set in evaluation)
        {
            curves.Accuracy[set.Name] = [];
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < options.Iterations; i++)
        {
            batches.Next(rows);
            for (int r = 0; r < batch; r++)
            {
                train.AsSpan(rows[r] * width, width).CopyTo(x.AsSpan(r * width, width));
                labels[r] = trainLabels[rows[r]];
            }

            using (options.FlushDenormals ? LabDenormals.FlushOnThisThread() : null)
            using (options.SequentialGemm ? Gemm.SequentialOrderScope() : null)
            {
                network.ComputeGradients(x, batch, labels);
                curves.CrossEntropyBeforeUpdate.Add(BookCrossEntropy(network.Probabilities, labels));
                optimizer.Step();
                if (options.RecordLossAfterUpdate)
                {
                    curves.LossAfterUpdate.Add(MnistExperiment.BookLoss(network, x, batch, labels, network.Options.WeightDecay));
                }
            }

            // Evaluation needs neither mode: inference sums each logit in one order or another, and only argmax is kept.
            if (options.EvaluationPeriod > 0 && i % options.EvaluationPeriod == 0)
            {
                foreach (var set in evaluation)
                {
                    curves.Accuracy[set.Name].Add(Accuracy(network, set.Inputs, set.Labels));
                }
            }

            progress?.Report(i + 1, curves.LossAfterUpdate.Count > 0 ? curves.LossAfterUpdate[^1] : curves.CrossEntropyBeforeUpdate[^1]);
        }

        curves.Seconds = clock.Elapsed.TotalSeconds;
        return curves;
    }

    /// <summary>The book's <c>cross_entropy_error</c>: <c>−Σ log(y[t] + 1e-7) / N</c> over the softmax rows.</summary>
    public static double BookCrossEntropy<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int classes = probabilities.Length / labels.Length;
        double sum = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            sum += Math.Log(double.CreateChecked(probabilities[(r * classes) + labels[r]]) + 1e-7);
        }

        return -sum / labels.Length;
    }

    /// <summary>
    /// <c>np.sum(argmax(predict(x), axis=1) == t) / N</c> in inference mode, in chunks so the activations stay small.
    /// A row holding NaN counts as predicting the first NaN's class, as <c>np.argmax</c> does.
    /// </summary>
    public static double Accuracy<T>(Network<T> network, T[] inputs, int[] labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int chunk = 1000;
        int width = network.InputSize, classes = network.OutputSize, correct = 0;
        for (int start = 0; start < labels.Length; start += chunk)
        {
            int n = Math.Min(chunk, labels.Length - start);
            var logits = network.Predict(inputs.AsMemory(start * width, n * width), n).Span;
            for (int r = 0; r < n; r++)
            {
                if (ArgMax(logits.Slice(r * classes, classes)) == labels[start + r])
                {
                    correct++;
                }
            }
        }

        return labels.Length == 0 ? double.NaN : correct / (double)labels.Length;
    }

    private static int ArgMax<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (T.IsNaN(row[j]))
            {
                return j;
            }

            if (row[j] > row[best])
            {
                best = j;
            }
        }

        return best;
    }
}
