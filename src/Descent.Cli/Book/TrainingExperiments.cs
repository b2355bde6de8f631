using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Descent.Cli.Lab;
using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Randomness;

namespace Descent.Cli.Book;

/// <summary>
/// The training experiments of ch. 6.2–6.4 as the book's scripts run them, each returning its data in the goldens'
/// schema. Every run starts from <c>np.random.seed(0)</c>'s stream and draws in the script's order.
/// </summary>
internal static class TrainingExperiments
{
    public static readonly string[] InitLabels = ["std=0.01", "Xavier", "He"];

    /// <summary>The 16 weight scales of figure 6-19 as NumPy's vectorised <c>np.logspace(0, -4, 16)</c> gives them (6 differ from libm's pow in the last bit).</summary>
    public static readonly double[] WeightScales =
    [
        1.0, 0.5411695265464637, 0.29286445646252357, 0.15848931924611134, 0.0857695898590894, 0.04641588833612782,
        0.025118864315095794, 0.013593563908785261, 0.007356422544596421, 0.003981071705534973, 0.0021544346900318843,
        0.0011659144011798312, 0.000630957344480193, 0.00034145488738336, 0.00018478497974222906, 9.999999999999999e-05,
    ];

    public const int DefaultScaleIndex = 4;

    internal static readonly OptimizerSpec Sgd = OptimizerSpec.Parse("sgd:lr=0.01");

    /// <summary>ch06/weight_init_compare.py (figure 6-15): three ReLU networks, std 0.01 / Xavier / He, one SGD(0.01), shared batches.</summary>
    public static JsonObject WeightInitCompare<T>(LabData data, BookSettings settings, Action<IReadOnlyList<ProgressWork>> runWork)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 128, scriptIterations = 2000;
        var random = new MersenneTwister(0);
        WeightInit[] inits = [WeightInit.StandardDeviation(0.01), WeightInit.Xavier, WeightInit.He];
        var networks = inits.Select(init => new MultiLayerNet<T>(784, [100, 100, 100, 100], 10, Activation.Relu, init, 0, random, settings.Gemm)).ToArray();
        var firstRows = networks.Select(n => BookJson.FirstRow(n, "W1")).ToArray();
        var options = settings.Loop(scriptIterations, batch, 0, recordLossAfterUpdate: true);
        var batches = PresetBatches.Draw(random, data.TrainCount, options.Iterations, batch);
        var train = LabData.Scale<T>(data.TrainPixels);
        var curves = new BookCurves[networks.Length];
        runWork([.. networks.Select((network, k) => new ProgressWork(InitLabels[k], options.Iterations, progress =>
            curves[k] = BookLoop.Train(network, Optimizer(network), train, data.TrainLabels, batches.Reader(), [], options, progress)))]);

        var loss = new JsonObject();
        var first = new JsonObject();
        for (int k = 0; k < networks.Length; k++)
        {
            loss[InitLabels[k]] = BookJson.Numbers(curves[k].LossAfterUpdate);
            first[InitLabels[k]] = firstRows[k];
        }

        return new JsonObject
        {
            ["meta"] = Meta(settings, "ch06/weight_init_compare.py", curves),
            ["seed"] = 0,
            ["iterations"] = options.Iterations,
            ["batch_size"] = batch,
            ["train_size"] = data.TrainCount,
            ["loss"] = loss,
            ["check"] = new JsonObject
            {
                ["W1[0,:4] at init per network"] = first,
                ["batch_mask of iterations 0 and 1"] = BatchMasks(batches, batch, options.Iterations),
            },
        };
    }

    /// <summary>
    /// ch06/batch_norm_test.py's <c>__train(w)</c> for one weight scale (figure 6-18 at the default scale, one panel of
    /// figure 6-19 otherwise): the BN network and the plain one on the first 1000 images, shared batches, accuracy on
    /// those images every 10 iterations until 20 measurements.
    /// </summary>
    public static JsonObject BatchNorm<T>(LabData data, BookSettings settings, int scaleIndex, IProgressReporter? progressWithBn = null, IProgressReporter? progressWithout = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 100, trainSize = 1000, epochs = 20;
        double period = Math.Max(trainSize / (double)batch, 1);
        double scale = WeightScales[scaleIndex];
        var random = new MersenneTwister(0);
        var init = WeightInit.StandardDeviation(scale);
        int[] hidden = [100, 100, 100, 100, 100];
        var bn = new MultiLayerNetExtend<T>(784, hidden, 10, Activation.Relu, init, 0, useBatchNorm: true, batchNorm: BatchNormOptions.Book, random: random, gemm: settings.Gemm);
        var plain = new MultiLayerNetExtend<T>(784, hidden, 10, Activation.Relu, init, 0, random: random, gemm: settings.Gemm);
        var firstRows = new JsonObject { ["with_BN"] = BookJson.FirstRow(bn, "W1"), ["without_BN"] = BookJson.FirstRow(plain, "W1") };

        // The script stops after its 20th measurement, i.e. after the update of iteration 10·19.
        int iterations = (int)((epochs - 1) * period) + 1;
        var options = settings.Loop(iterations, batch, period, recordLossAfterUpdate: false);
        var batches = PresetBatches.Draw(random, trainSize, options.Iterations, batch);
        var (x, t) = BookSettings.TrainPrefix<T>(data, trainSize);
        EvaluationSet<T>[] sets = [new("train", x, t)];
        BookCurves? withBn = null, without = null;
        Parallel.Invoke(
            new ParallelOptions { MaxDegreeOfParallelism = Math.Min(2, settings.Parallelism) },
            () => withBn = BookLoop.Train(bn, Optimizer(bn), x, t, batches.Reader(), sets, options, progressWithBn),
            () => without = BookLoop.Train(plain, Optimizer(plain), x, t, batches.Reader(), sets, options, progressWithout));

        return new JsonObject
        {
            ["meta"] = Meta(settings, "ch06/batch_norm_test.py", [withBn!, without!]),
            ["index"] = scaleIndex,
            ["weight_init_std"] = scale,
            ["train_acc"] = new JsonObject { ["without_BN"] = BookJson.Numbers(without!.Accuracy["train"]), ["with_BN"] = BookJson.Numbers(withBn!.Accuracy["train"]) },
            ["batch_ce_before_update"] = new JsonObject
            {
                ["without_BN"] = BookJson.Numbers(without.CrossEntropyBeforeUpdate),
                ["with_BN"] = BookJson.Numbers(withBn.CrossEntropyBeforeUpdate),
            },
            ["check"] = new JsonObject
            {
                ["W1[0,:4] at init per network"] = firstRows,
                ["batch_mask of iterations 0 and 1"] = BatchMasks(batches, batch, options.Iterations),
            },
        };
    }

    /// <summary>
    /// ch06/overfit.py (λ = 0, figure 6-20) or ch06/overfit_weight_decay.py (λ = 0.1, figure 6-21): a 7-layer He ReLU
    /// network on the first 300 images, accuracy on them and on the 10,000 test images every 3 iterations, 201 times.
    /// </summary>
    public static JsonObject Overfit<T>(LabData data, BookSettings settings, double lambda, IProgressReporter? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 100, trainSize = 300, epochs = 201;
        double period = Math.Max(trainSize / (double)batch, 1);
        var random = new MersenneTwister(0);
        var network = new MultiLayerNet<T>(784, [100, 100, 100, 100, 100, 100], 10, Activation.Relu, WeightInit.He, lambda, random, settings.Gemm);
        var first = BookJson.FirstRow(network, "W1");
        int iterations = (int)((epochs - 1) * period) + 1;
        var options = settings.Loop(iterations, batch, period, recordLossAfterUpdate: false);
        var batches = PresetBatches.Draw(random, trainSize, options.Iterations, batch);
        var (x, t) = BookSettings.TrainPrefix<T>(data, trainSize);
        var test = LabData.Scale<T>(data.TestPixels);
        var curves = BookLoop.Train(network, Optimizer(network), x, t, batches.Reader(), [new("train", x, t), new("test", test, data.TestLabels)], options, progress);
        return new JsonObject
        {
            ["script"] = lambda == 0 ? "ch06/overfit.py" : "ch06/overfit_weight_decay.py",
            ["weight_decay_lambda"] = lambda,
            ["train_acc"] = BookJson.Numbers(curves.Accuracy["train"]),
            ["test_acc"] = BookJson.Numbers(curves.Accuracy["test"]),
            ["batch_ce_before_update"] = BookJson.Numbers(curves.CrossEntropyBeforeUpdate),
            ["seconds"] = curves.Seconds,
            ["check"] = new JsonObject
            {
                ["W1[0,:4] at init per network"] = new JsonObject { ["network"] = first },
                ["batch_mask of iterations 0 and 1"] = BatchMasks(batches, batch, options.Iterations),
            },
        };
    }

    /// <summary>
    /// ch06/overfit_dropout.py (figures 6-22, 6-23) through the book's Trainer: 301 "epochs" of 3 iterations on the first
    /// 300 images, the book's non-inverted dropout after every hidden ReLU; the stream draws each batch and then one
    /// mask per dropout layer, in forward order.
    /// </summary>
    public static JsonObject Dropout<T>(LabData data, BookSettings settings, bool useDropout, IProgressReporter? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int batch = 100, trainSize = 300, epochs = 301;
        const double ratio = 0.2;
        double period = Math.Max(trainSize / (double)batch, 1);
        var random = new MersenneTwister(0);
        var network = new MultiLayerNetExtend<T>(
            784, [100, 100, 100, 100, 100, 100], 10, Activation.Relu, WeightInit.He, 0, useDropout: useDropout, dropoutRatio: ratio, invertedDropout: false, random: random, gemm: settings.Gemm);
        var first = BookJson.FirstRow(network, "W1");
        int maxIter = (int)(epochs * period);
        var options = settings.Loop(maxIter, batch, period, recordLossAfterUpdate: true);
        var (x, t) = BookSettings.TrainPrefix<T>(data, trainSize);
        var test = LabData.Scale<T>(data.TestPixels);
        var recorder = new RecordingBatches(new DrawnBatches(random, trainSize), batch);
        var curves = BookLoop.Train(network, Optimizer(network), x, t, recorder, [new("train", x, t), new("test", test, data.TestLabels)], options, progress);
        return new JsonObject
        {
            ["use_dropout"] = useDropout,
            ["dropout_ratio"] = ratio,
            ["max_iter"] = options.Iterations,
            ["iter_per_epoch"] = period,
            ["train_loss"] = BookJson.Numbers(curves.LossAfterUpdate),
            ["train_acc"] = BookJson.Numbers(curves.Accuracy["train"]),
            ["test_acc"] = BookJson.Numbers(curves.Accuracy["test"]),
            ["final_test_acc"] = BookLoop.Accuracy(network, test, data.TestLabels),
            ["seconds"] = curves.Seconds,
            ["check"] = new JsonObject
            {
                ["W1[0,:4] at init per network"] = new JsonObject { ["network"] = first },
                ["batch_mask of iterations 0 and 1"] = new JsonArray([.. recorder.FirstTwo.Select(b => (JsonNode?)BookJson.Integers(b))]),
            },
        };
    }

    private static IOptimizer<T> Optimizer<T>(Network<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
        => LabOptimizers.Create(Sgd, network.Parameters, Conventions.Book);

    private static JsonArray BatchMasks(PresetBatches batches, int batch, int iterations) =>
        [.. Enumerable.Range(0, Math.Min(2, iterations)).Select(i => (JsonNode?)BookJson.Integers(batches.Batch(i, batch)))];

    private static JsonObject Meta(BookSettings settings, string script, IEnumerable<BookCurves> curves) => new()
    {
        ["producer"] = "descent book (Descent.Cli)",
        ["script"] = script,
        ["mode"] = settings.ReproduceBook ? "--reproduce-book: NumPy stream seed 0, float64, reference-BLAS order" : $"default: NumPy stream seed 0, {settings.Precision}, fast kernels",
        ["training_seconds"] = curves.Sum(c => c.Seconds),
        ["created"] = RunOutput.Now(),
        ["seconds_note"] = string.Create(CultureInfo.InvariantCulture, $"summed over networks trained on up to {settings.Parallelism} cores"),
    };

    /// <summary>Passes batches through and keeps the first two (the goldens' batch-mask check).</summary>
    private sealed class RecordingBatches(IBatchRows inner, int batch) : IBatchRows
    {
        public List<int[]> FirstTwo { get; } = [];

        public void Next(Span<int> rows)
        {
            inner.Next(rows);
            if (FirstTwo.Count < 2)
            {
                FirstTwo.Add(rows[..batch].ToArray());
            }
        }
    }
}
