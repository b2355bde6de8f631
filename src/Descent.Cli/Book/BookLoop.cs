using System.Numerics;
using Descent.Cli.Lab;
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Training;

namespace Descent.Cli.Book;

/// <summary>Where a book script's mini-batches come from: the rows of each batch, in order.</summary>
internal interface IBatchRows
{
    void Next(Span<int> rows);
}

/// <summary>
/// <c>np.random.choice(train_size, batch_size)</c> drawn as the run goes, from the stream that also draws the dropout
/// masks (the book's Trainer interleaves the two: the batch, then the masks of that step's forward pass).
/// </summary>
internal sealed class DrawnBatches(IRandomSource random, int trainCount) : IBatchRows
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
internal sealed class PresetBatches(int[] rows) : IBatchRows
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
/// The book's training loop (its ch. 6 scripts and <c>common/trainer.py</c>) on the library's
/// <see cref="TrainingLoop{T}"/>: per iteration one batch, <c>gradient</c> → <c>update</c> → the loss after the update
/// on the same batch with the book's formula (the loop's <see cref="LossRecording.AfterUpdate"/>), and an evaluation
/// when the float period divides the iteration index (the loop's <see cref="TrainingLoopOptions{T}.EvaluateEvery"/>).
/// </summary>
/// <remarks>
/// Two of the book's habits shape how the loop is driven, one step per <see cref="TrainingLoop{T}.Run"/> call:
/// the Trainer draws each batch from the stream that then draws that step's dropout masks, so a batch can only be
/// drawn right before its step; and under <c>--reproduce-book</c> only training runs in reference-BLAS order, while the
/// evaluations (argmax of 10,000 logits every few steps, order-insensitive) run on the fast kernels. The book also
/// trains on after a NaN loss (figure 6-19's diverging networks keep being measured), so a diverged step is recorded
/// and the run resumed after it.
/// </remarks>
internal static class BookLoop
{
    public static BookCurves Train<T>(
        Network<T> network,
        IOptimizer<T> optimizer,
        T[] train,
        int[] trainLabels,
        IBatchRows rows,
        IReadOnlyList<EvaluationSet<T>> evaluation,
        BookLoopOptions options,
        IProgressReporter? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = options.BatchSize;
        var indices = new int[checked(options.Iterations * batch)];
        var dataset = new TensorDataset<T>(train, trainLabels, [network.InputSize], network.OutputSize);
        var curves = new BookCurves();
        foreach (var set in evaluation)
        {
            curves.Accuracy[set.Name] = [];
        }

        var recorder = new Recorder<T>(network, curves, batch, options.RecordLossAfterUpdate, progress);
        var loop = new TrainingLoop<T>(
            network,
            UpdatePipeline.For(network.Parameters).Optimizer(optimizer).Build(),
            new IndexedBatches<T>(dataset, batch, indices),
            new TrainingLoopOptions<T>
            {
                // Scripts that record no loss after the update do no extra forward pass for one.
                Recording = options.RecordLossAfterUpdate ? LossRecording.AfterUpdate : LossRecording.BeforeUpdate,
                MeasureLoss = recorder.Measure,
                EvaluateEvery = options.EvaluationPeriod > 0 ? options.EvaluationPeriod : null,
                Observers = [recorder],
            });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < options.Iterations; i++)
        {
            var step = indices.AsSpan(i * batch, batch);
            rows.Next(step);
            for (int r = 0; r < batch; r++)
            {
                recorder.Labels[r] = trainLabels[step[r]];
            }

            TrainingResult result;
            using (options.FlushDenormals ? LabDenormals.FlushOnThisThread() : null)
            {
                result = loop.Run(i + 1);
            }

            if (result.Status == TrainingStatus.Diverged)
            {
                // The update was applied and the loop stopped before counting the step; the book records the NaN and goes on.
                double loss = result.DivergedLoss ?? double.NaN;
                loop.Resume(i + 1, [.. result.Losses, loss]);
                recorder.OnStep(new StepReport(i + 1, loss, StepOutcome.Applied));
                if (options.EvaluationPeriod > 0 && i % options.EvaluationPeriod == 0)
                {
                    recorder.OnEvaluation(i);
                }
            }

            if (recorder.TakeEvaluationDue())
            {
                foreach (var set in evaluation)
                {
                    curves.Accuracy[set.Name].Add(Accuracy(network, set.Inputs, set.Labels));
                }
            }
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
    /// <c>np.sum(argmax(predict(x), axis=1) == t) / N</c> in inference mode, in chunks so the activations stay small
    /// (<see cref="Network{T}.Accuracy"/> per chunk, which takes a row holding NaN as predicting its first NaN's class,
    /// as <c>np.argmax</c> does); the correct counts are summed as integers so the quotient is NumPy's to the bit.
    /// </summary>
    public static double Accuracy<T>(Network<T> network, T[] inputs, int[] labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int chunk = 1000;
        int width = network.InputSize;
        long correct = 0;
        for (int start = 0; start < labels.Length; start += chunk)
        {
            int n = Math.Min(chunk, labels.Length - start);
            correct += (long)Math.Round(n * network.Accuracy(inputs.AsMemory(start * width, n * width), n, labels.AsSpan(start, n)));
        }

        return labels.Length == 0 ? double.NaN : correct / (double)labels.Length;
    }

    /// <summary>
    /// Records, per step, the book's cross-entropy of the training forward pass (the network's last softmax: the
    /// after-update loss computes its own from the logits) and, when asked, the book's after-update loss; notes when
    /// an evaluation is due, for the driver to run it outside the reference-order scope.
    /// </summary>
    private sealed class Recorder<T>(Network<T> network, BookCurves curves, int batch, bool afterUpdate, IProgressReporter? progress) : ITrainingObserver
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private bool _due;
        private double? _before;

        /// <summary>The labels of the step about to run.</summary>
        public int[] Labels { get; } = new int[batch];

        public double Measure(Network<T> net, MiniBatch<T> step)
        {
            _before = BookCrossEntropy(network.Probabilities, Labels);
            return MnistExperiment.BookLoss(net, step.Features, step.Count, step.Labels.Span, net.Options.WeightDecay);
        }

        public void OnStep(in StepReport report)
        {
            double before = _before ?? BookCrossEntropy(network.Probabilities, Labels);
            _before = null;
            curves.CrossEntropyBeforeUpdate.Add(before);
            if (afterUpdate)
            {
                curves.LossAfterUpdate.Add(report.Loss);
            }

            progress?.Report(report.Step, afterUpdate ? report.Loss : before);
        }

        public void OnEvaluation(long index) => _due = true;

        public bool TakeEvaluationDue()
        {
            bool due = _due;
            _due = false;
            return due;
        }
    }
}
