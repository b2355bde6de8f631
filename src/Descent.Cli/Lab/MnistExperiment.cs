using System.Globalization;
using System.Numerics;
using Descent.Data;
using Descent.NeuralNetworks;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Pipeline;
using Descent.Randomness;
using Descent.Training;

namespace Descent.Cli.Lab;

/// <summary>How the MNIST comparison trains: network shape, batches, iterations and the numeric choices.</summary>
internal sealed record MnistSettings
{
    public IReadOnlyList<int> Hidden { get; init; } = [100, 100, 100, 100];

    public Activation Activation { get; init; } = Activation.Relu;

    public string Init { get; init; } = "he";

    public int BatchSize { get; init; } = 128;

    public int Iterations { get; init; } = 2000;

    public double WeightDecay { get; init; }

    public bool BatchNorm { get; init; }

    public double Dropout { get; init; }

    public long Seed { get; init; }

    /// <summary>Report the book's loss, <c>−Σ log(p + 1e-7) / N</c>, instead of the exact log-softmax.</summary>
    public bool BookLoss { get; init; }

    /// <summary>
    /// Multiply matrices in reference-BLAS order (<see cref="GemmOrder.Sequential"/>) rather than with the
    /// blocked kernel: slower, but Adam's curve — which amplifies rounding differences after ~1000 iterations —
    /// stays much closer to the book's NumPy run.
    /// </summary>
    public bool SequentialGemm { get; init; }

    /// <summary>
    /// Threads each network's matrix products may use; null: the processors shared among the runs that train at once.
    /// Runs on two threads each, two at a time on two cores, would wait on each other's descheduled helpers at every
    /// product; one thread each is faster. The results do not depend on it (the blocked kernel sums in one order).
    /// </summary>
    public int? GemmThreads { get; init; }

    /// <summary><see cref="GemmThreads"/>, or the processors divided among <paramref name="runsAtOnce"/> runs (at most <see cref="Parallelism"/>).</summary>
    public int GemmThreadsFor(int runsAtOnce) =>
        GemmThreads ?? Math.Max(1, Environment.ProcessorCount / Math.Clamp(runsAtOnce, 1, Math.Max(1, Parallelism)));

    public Conventions Conventions { get; init; } = Conventions.Book;

    /// <summary>A learning-rate schedule expression (PyTorch's constructors, e.g. <c>StepLR(step_size=500, gamma=0.5)</c>), stepped once per iteration.</summary>
    public string? Schedule { get; init; }

    public string ActivationName => Activation switch
    {
        Activation.Relu => "ReLU",
        _ => Activation.ToString().ToLowerInvariant(),
    };

    public bool FlushDenormals { get; init; } = true;

    /// <summary>What --data and its options named, recorded so a resumed run reads the same data.</summary>
    public Descent.Cli.Data.DataSource DataSource { get; init; } = Descent.Cli.Data.DataSource.Bundled;

    public int Parallelism { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>The diagnostics' logging interval in iterations: null for the default (<see cref="TrainingDiagnostics.DefaultInterval"/>), 0 for none.</summary>
    public int? DiagnosticsEvery { get; init; }

    /// <summary>The interval the runs log diagnostics at; 0: none.</summary>
    public int DiagnosticsInterval => DiagnosticsEvery ?? TrainingDiagnostics.DefaultInterval(Iterations);

    /// <summary>The network's inputs: 784 pixels for MNIST-style images, or the data's features per row.</summary>
    public int Inputs { get; init; } = 784;

    /// <summary>The network's outputs: the data's number of classes.</summary>
    public int Classes { get; init; } = 10;

    public string NetworkDescription =>
        string.Create(CultureInfo.InvariantCulture, $"{Inputs}-{string.Join("-", Hidden)}-{Classes} {ActivationName}, {Init} init")
        + (Schedule is null ? string.Empty : $", schedule {Schedule}")
        + (BatchNorm ? ", BatchNorm" : string.Empty)
        + (Dropout > 0 ? string.Create(CultureInfo.InvariantCulture, $", dropout {Dropout}") : string.Empty)
        + (WeightDecay > 0 ? string.Create(CultureInfo.InvariantCulture, $", weight decay {WeightDecay}") : string.Empty);
}

/// <summary>The lab's data scaled to <typeparamref name="T"/> once, shared by every seed of a comparison.</summary>
internal sealed record ScaledData<T>(LabData Data, TensorDataset<T> Train, TensorDataset<T> Test)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static ScaledData<T> From(LabData data) => new(data, data.TrainSet<T>(), data.TestSet<T>());
}

/// <summary>
/// The book's MNIST comparison (ch06/optimizer_compare_mnist.py), computing only: one generator seeded once builds
/// the networks in order, then draws every iteration's batch (with replacement, <c>np.random.choice</c>); each
/// optimizer trains its own network on the same batches, and the loss after each update is recorded on that batch.
/// </summary>
internal static class MnistExperiment
{
    /// <summary>The book's four, in its order and with its learning rates.</summary>
    public static IReadOnlyList<OptimizerSpec> BookOptimizers { get; } =
    [
        OptimizerSpec.Parse("sgd:lr=0.01,label=SGD"),
        OptimizerSpec.Parse("momentum:lr=0.01,label=Momentum"),
        OptimizerSpec.Parse("adagrad:lr=0.01,label=AdaGrad"),
        OptimizerSpec.Parse("adam:lr=0.001,label=Adam"),
    ];

    public static MnistRecord Run<T>(LabData data, MnistSettings settings, IReadOnlyList<OptimizerSpec> specs, Action<IReadOnlyList<ProgressWork>> runWork, CancellationToken stop = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (work, collect) = Prepare(ScaledData<T>.From(data), settings, specs, stop);
        runWork(work);
        return collect();
    }

    /// <summary>
    /// Builds the networks and draws the batches of one comparison, without training: the work items train, and
    /// <c>Collect</c> (after they ran) returns the record. Several comparisons (seeds) can then share one pool of threads.
    /// A run that diverges stops there and the others go on; <paramref name="stop"/> (Ctrl-C) ends every run at its next
    /// step. Neither kind of run is evaluated on the test set: its curve is what it computed.
    /// </summary>
    public static (IReadOnlyList<ProgressWork> Work, Func<MnistRecord> Collect) Prepare<T>(ScaledData<T> scaled, MnistSettings settings, IReadOnlyList<OptimizerSpec> specs, CancellationToken stop = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = scaled.Data;
        if (data.FeatureCount != settings.Inputs || data.ClassCount != settings.Classes)
        {
            throw new InvalidDataException($"The network takes {settings.Inputs} inputs and {settings.Classes} classes; the data has {data.FeatureCount} and {data.ClassCount}.");
        }

        // Everything random comes from one NumPy-compatible stream, in the book's order: all networks, then all batches.
        settings = settings with { GemmThreads = settings.GemmThreadsFor(specs.Count) };
        var random = new MersenneTwister(checked((uint)settings.Seed));
        var networks = new Network<T>[specs.Count];
        var sources = new SwitchableRandom[specs.Count];
        for (int k = 0; k < specs.Count; k++)
        {
            sources[k] = new SwitchableRandom(random);
            networks[k] = Build<T>(settings, sources[k]);
        }

        int batch = settings.BatchSize;
        int[] indices = new int[checked(settings.Iterations * batch)];
        for (int i = 0; i < indices.Length; i++)
        {
            // Millions of draws for a long run: Ctrl-C is heeded here too (the runs then stop before their first step).
            if ((i & 0xFFFFF) == 0 && stop.IsCancellationRequested)
            {
                break;
            }

            indices[i] = random.NextInt(data.TrainCount);
        }

        // Dropout masks are drawn during training; each network gets its own stream so parallel runs stay repeatable.
        for (int k = 0; k < specs.Count; k++)
        {
            sources[k].Inner = new MersenneTwister(unchecked((uint)settings.Seed + 1 + (uint)k));
        }

        var train = scaled.Train;
        var test = scaled.Test;
        var record = new MnistRecord
        {
            Network = settings.NetworkDescription,
            Data = data.Description,
            Precision = typeof(T) == typeof(float) ? "float32" : "float64",
            BatchSize = batch,
            Iterations = settings.Iterations,
        };
        var results = new LossCurveRecord[specs.Count];
        var work = new List<ProgressWork>();
        for (int k = 0; k < specs.Count; k++)
        {
            int index = k;
            work.Add(new ProgressWork(specs[k].Label, settings.Iterations, progress =>
            {
                IOptimizer<T>? optimizer;
                using (settings.FlushDenormals ? LabDenormals.FlushOnThisThread() : null)
                {
                    (results[index], optimizer) = Train(networks[index], specs[index], train, indices, settings, progress, stop);
                }

                if (results[index].Outcome() is not null)
                {
                    return;
                }

                // Evaluation needs no flushing (and TensorPrimitives.IndexOfMax, which argmax code often uses, fails under DAZ).
                using (optimizer as IEvaluationPoint<T> is { } point ? point.UseEvaluationPoint() : null)
                {
                    results[index].TestAccuracy = Accuracy(networks[index], test);
                    results[index].TestLoss = TestLoss(networks[index], test);
                    results[index].EvaluatedAt = optimizer is IEvaluationPoint<T> ? EvaluationPointNote : null;
                }
            }));
        }

        return (work, () =>
        {
            record.Runs.AddRange(results);
            return record;
        });
    }

    /// <summary>
    /// Test accuracy at the point the optimizer says to evaluate at: Schedule-Free's average x (Optax's
    /// <c>schedule_free_eval_params</c>) rather than the gradient point y it trains; the parameters are put back after.
    /// </summary>
    /// <returns>The accuracy, and where it was measured when that is not the trained parameters.</returns>
    public static (double Accuracy, string? EvaluatedAt) Evaluate<T>(Network<T> network, IOptimizer<T> optimizer, TensorDataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (optimizer is not IEvaluationPoint<T> point)
        {
            return (Accuracy(network, data), null);
        }

        using (point.UseEvaluationPoint())
        {
            return (Accuracy(network, data), EvaluationPointNote);
        }
    }

    /// <summary>What the record and the report say of a Schedule-Free run's test accuracy.</summary>
    public const string EvaluationPointNote = "averaged point x (Schedule-Free's schedule_free_eval_params); the loss curve is at the gradient point y";

    public static Network<T> Build<T>(MnistSettings settings, IRandomSource random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var init = WeightInit.Parse(settings.Init);
        var gemm = settings.SequentialGemm ? GemmContext.Sequential
            : settings.GemmThreads is { } threads ? new GemmContext { Threads = threads }
            : GemmContext.Default;
        return settings.BatchNorm || settings.Dropout > 0
            ? new MultiLayerNetExtend<T>(settings.Inputs, settings.Hidden, settings.Classes, settings.Activation, init, settings.WeightDecay, settings.BatchNorm, null, settings.Dropout > 0, settings.Dropout, true, random, gemm)
            : new MultiLayerNet<T>(settings.Inputs, settings.Hidden, settings.Classes, settings.Activation, init, settings.WeightDecay, random, gemm);
    }

    /// <summary>The update pipeline a spec and the settings declare over <paramref name="network"/>: the optimizer, then the schedule if any.</summary>
    public static UpdatePipeline<T> Pipeline<T>(
        Network<T> network, OptimizerSpec spec, MnistSettings settings, Func<IReadOnlyList<Parameter<T>>, Func<IReadOnlyList<Parameter<T>>, IOptimizer<T>>, IOptimizer<T>>? shard = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IOptimizer<T> Create(IReadOnlyList<Parameter<T>> parameters) => LabOptimizers.Create(spec, parameters, settings.Conventions);
        var builder = UpdatePipeline.For(network.Parameters).Optimizer(shard is null ? Create(network.Parameters) : shard(network.Parameters, Create));
        if (settings.Schedule is { } schedule)
        {
            builder.Schedule(ScheduleExpression.Parse(schedule));
        }

        return builder.Build();
    }

    /// <summary>
    /// The library's loop as the book's comparison runs it: the loss recorded after each update on the same batch,
    /// in evaluation mode (or with the book's formula).
    /// </summary>
    public static TrainingLoopOptions<T> LoopOptions<T>(MnistSettings settings, params ITrainingObserver[] observers)
        where T : unmanaged, IFloatingPointIeee754<T> => new()
    {
        Recording = LossRecording.AfterUpdate,
        MeasureLoss = settings.BookLoss ? (network, batch) => BookLoss(network, batch.Features, batch.Count, batch.Labels.Span, settings.WeightDecay) : null,
        Observers = observers,
    };

    /// <summary>
    /// A closure-driven optimizer (L-BFGS) trains on one fixed batch, every iteration: the first --batch-size training
    /// examples, in order (the whole set when the batch size is the training-set size: full-batch L-BFGS). Each
    /// iteration is one L-BFGS step of up to max_iter evaluations.
    /// </summary>
    public static IBatchSource<T> FixedBatch<T>(TensorDataset<T> train, int batchSize)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new MiniBatchSampler<T>(train.Slice(0, batchSize), batchSize, BatchOrder.Sequential, new SeededRandom(0));

    /// <summary>Trains one network; returns its curve and the gradient-driven optimizer (null for a closure optimizer), which evaluation asks where to evaluate.</summary>
    private static (LossCurveRecord Curve, IOptimizer<T>? Optimizer) Train<T>(
        Network<T> network, OptimizerSpec spec, TensorDataset<T> train, int[] indices, MnistSettings settings, IProgressReporter progress, CancellationToken stop)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var pipeline = LabOptimizers.NeedsClosure(spec, settings.Conventions) ? null : Pipeline(network, spec, settings);
        var diagnostics = settings.DiagnosticsInterval > 0 ? new TrainingDiagnostics<T>(network, pipeline, settings.DiagnosticsInterval) : null;
        var options = LoopOptions<T>(settings, diagnostics is null ? [new ProgressObserver(progress)] : [new ProgressObserver(progress), diagnostics]);
        var loop = pipeline is null
            ? new TrainingLoop<T>(network, LabOptimizers.CreateClosure(spec, network.Parameters, settings.Conventions), FixedBatch(train, settings.BatchSize), options)
            : new TrainingLoop<T>(network, pipeline, new IndexedBatches<T>(train, settings.BatchSize, indices), options);
        var result = loop.Run(settings.Iterations, stop);
        double[] losses = [.. result.Losses];
        return (new LossCurveRecord
        {
            Label = spec.Label,
            Optimizer = $"{spec.Text} ({LabOptimizers.Describe(spec, settings.Conventions)})",
            Loss = losses,
            FinalLoss = LossCurveRecord.MeanOfLast(losses, 100),
            Seconds = result.Seconds,
            DivergedAt = result.DivergedAt,
            DivergedLoss = result.DivergedLoss,
            InterruptedAt = result.Status == TrainingStatus.Interrupted ? result.Steps : null,
            Diagnostics = diagnostics is null ? null : DiagnosticsRecord.From(diagnostics, LabOptimizers.Describe(spec, settings.Conventions)),
        }, pipeline?.Optimizer);
    }

    /// <summary>Test-set accuracy, evaluated in chunks so the activations (and the scaled inputs) stay small.</summary>
    public static double Accuracy<T>(Network<T> network, TensorDataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MeanOverChunks(network, data, (inputs, n, labels) => network.Accuracy(inputs, n, labels));

    /// <summary>Mean cross-entropy over a data set (evaluation mode), in chunks.</summary>
    public static double TestLoss<T>(Network<T> network, TensorDataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MeanOverChunks(network, data, (inputs, n, labels) => double.CreateTruncating(network.Loss(inputs, n, labels)));

    /// <summary>The example-weighted mean of a per-chunk mean over 500-example chunks; NaN for no examples.</summary>
    private static double MeanOverChunks<T>(Network<T> network, TensorDataset<T> data, ChunkMean<T> chunkMean)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int chunk = 500;
        if (data.FeatureCount != network.InputSize)
        {
            throw new ArgumentException($"The network takes {network.InputSize} inputs; the data has {data.FeatureCount}.", nameof(data));
        }

        var inputs = new T[Math.Min(chunk, data.Count) * data.FeatureCount];
        double sum = 0;
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            data.CopyExamples(start, n, inputs);
            sum += n * chunkMean(inputs.AsMemory(0, n * data.FeatureCount), n, data.Labels.AsSpan(start, n));
        }

        return data.Count == 0 ? double.NaN : sum / data.Count;
    }

    private delegate double ChunkMean<T>(ReadOnlyMemory<T> inputs, int count, ReadOnlySpan<int> labels);

    /// <summary>
    /// The book's <c>loss</c>: softmax as <c>exp(x − max) / Σ exp(x − max)</c>, then <c>−Σ log(y[t] + 1e-7) / N</c>
    /// (common/functions.py), plus <c>½λ Σ‖W‖²</c> per layer — evaluated in double from the network's logits.
    /// </summary>
    public static double BookLoss<T>(Network<T> network, ReadOnlyMemory<T> x, int batch, ReadOnlySpan<int> labels, double weightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var logits = network.Predict(x, batch).Span;
        int classes = network.OutputSize;
        Span<double> row = stackalloc double[classes];
        double sum = 0;
        for (int r = 0; r < batch; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++)
            {
                row[j] = double.CreateChecked(logits[(r * classes) + j]);
                max = Math.Max(max, row[j]);
            }

            double total = 0;
            for (int j = 0; j < classes; j++)
            {
                row[j] = Math.Exp(row[j] - max);
                total += row[j];
            }

            sum += Math.Log((row[labels[r]] / total) + 1e-7);
        }

        double loss = -sum / batch;
        if (weightDecay != 0)
        {
            double decay = 0;
            foreach (var p in network.Parameters)
            {
                if (p.Name.StartsWith('W'))
                {
                    double squares = 0;
                    foreach (T w in p.Value.Span)
                    {
                        squares += double.CreateChecked(w * w);
                    }

                    decay += 0.5 * weightDecay * squares;
                }
            }

            loss += decay;
        }

        return loss;
    }
}
