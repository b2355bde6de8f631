using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Cli.Lab;
using Descent.NeuralNetworks;
using Descent.Numerics;
using Descent.Randomness;

namespace Descent.Cli.Book;

/// <summary>How the hyperparameter search runs.</summary>
/// <param name="Trials">Random trials (the book's 100).</param>
/// <param name="TrialDirectory">Where each finished trial is saved as it ends; trials already there are read back instead of rerun.</param>
internal sealed record SearchOptions(int Trials = 100, string? TrialDirectory = null);

/// <summary>
/// ch06/hyperparameter_optimization.py (figure 6-24): 500 images shuffled, 100 held out for validation, then per trial
/// λ = 10^U(−8, −4) and lr = 10^U(−6, −2) (in that order), a 7-layer He ReLU network trained 50 "epochs" by the
/// book's Trainer, ranked by the last validation accuracy.
/// </summary>
/// <remarks>
/// The script draws everything from one continuing stream, so trial k starts where trial k − 1's draws ended. What a
/// trial draws (its two uniforms, its weights, its batches) does not depend on training, so the stream is walked once
/// up front, each trial's starting state kept, and the trials then train in parallel, each from its own state: the
/// numbers are those of the sequential script. A finished trial is saved at once, so an interrupted search resumes.
/// </remarks>
internal static class HyperparameterSearch
{
    private const int Images = 500, Validation = 100, Batch = 100, Epochs = 50;

    public static JsonObject Run<T>(LabData data, BookSettings settings, SearchOptions options, Action<IReadOnlyList<ProgressWork>> runWork)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new MersenneTwister(0);
        var (x, t) = BookSettings.TrainPrefix<T>(data, Images);
        int[] permutation = Permutation(random, Images);
        int width = data.PixelsPerImage;
        var shuffled = new T[x.Length];
        var labels = new int[Images];
        for (int i = 0; i < Images; i++)
        {
            x.AsSpan(permutation[i] * width, width).CopyTo(shuffled.AsSpan(i * width, width));
            labels[i] = t[permutation[i]];
        }

        var val = new EvaluationSet<T>("val", shuffled[..(Validation * width)], labels[..Validation]);
        var train = new EvaluationSet<T>("train", shuffled[(Validation * width)..], labels[Validation..]);
        int trainSize = Images - Validation;
        double period = Math.Max(trainSize / (double)Batch, 1);
        int maxIter = (int)(Epochs * period);
        var loop = settings.Loop(maxIter, Batch, period, recordLossAfterUpdate: true);

        // Walk the stream: each trial's hyperparameters and starting state, exactly as the sequential script reaches them.
        var starts = new (double WeightDecay, double LearningRate, MersenneTwister State)[options.Trials];
        for (int k = 0; k < options.Trials; k++)
        {
            double weightDecay = Math.Pow(10, Uniform(random, -8, -4));
            double lr = Math.Pow(10, Uniform(random, -6, -2));
            starts[k] = (weightDecay, lr, random.Clone());
            _ = Network<double>(weightDecay, random, GemmContext.Default);
            PresetBatches.Draw(random, trainSize, maxIter, Batch);
        }

        var results = new JsonObject?[options.Trials];
        var pending = new List<int>();
        for (int k = 0; k < options.Trials; k++)
        {
            if (Saved(options, k, starts[k].WeightDecay, starts[k].LearningRate) is { } saved)
            {
                results[k] = saved;
            }
            else
            {
                pending.Add(k);
            }
        }

        // One progress line for the whole search (trials × iterations); the trials share the cores.
        var work = new ProgressWork($"{pending.Count} trials", (long)pending.Count * loop.Iterations, progress =>
        {
            var shared = new SharedProgress(progress);
            Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism }, trial =>
            {
                var (weightDecay, lr, state) = starts[trial];
                var source = state.Clone();
                var network = Network<T>(weightDecay, source, settings.Gemm);
                var optimizer = LabOptimizers.Create(OptimizerSpec.Parse(string.Create(CultureInfo.InvariantCulture, $"sgd:lr={lr:R}")), network.Parameters, Conventions.Book);
                var curves = BookLoop.Train(network, optimizer, train.Inputs, train.Labels, new DrawnBatches(source, trainSize), [val, train], loop, shared);
                results[trial] = Trial(trial, weightDecay, lr, curves, BookLoop.Accuracy(network, val.Inputs, val.Labels), full: trial == 0);
                Save(options, trial, results[trial]!);
            });
        });

        runWork(pending.Count == 0 ? [] : [work]);
        return File(settings, permutation, labels, results!);
    }

    /// <summary>Progress of several trainings at once: each reported iteration counts once.</summary>
    private sealed class SharedProgress(IProgressReporter inner) : IProgressReporter
    {
        private long _done;

        public void Report(long done, double loss) => inner.Report(Interlocked.Increment(ref _done), loss);
    }

    /// <summary><c>np.random.permutation(n)</c>: Fisher–Yates from the end, each swap index a masked-rejection draw in [0, i].</summary>
    public static int[] Permutation(IRandomSource random, int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i >= 1; i--)
        {
            int j = random.NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }

        return p;
    }

    private static double Uniform(MersenneTwister random, double low, double high) => low + ((high - low) * random.NextDouble());

    private static MultiLayerNet<T> Network<T>(double weightDecay, IRandomSource random, GemmContext gemm)
        where T : unmanaged, IFloatingPointIeee754<T>
        => new(784, [100, 100, 100, 100, 100, 100], 10, Activation.Relu, WeightInit.He, weightDecay, random, gemm);

    private static JsonObject Trial(int trial, double weightDecay, double lr, BookCurves curves, double afterAll, bool full)
    {
        var val = curves.Accuracy["val"];
        var result = new JsonObject
        {
            ["trial"] = trial,
            ["lr"] = lr,
            ["weight_decay"] = weightDecay,
            ["final_val_acc"] = val[^1],
            ["val_acc"] = BookJson.Numbers(val),
            ["train_acc"] = BookJson.Numbers(curves.Accuracy["train"]),
            ["train_loss_first"] = curves.LossAfterUpdate[0],
            ["train_loss_last"] = curves.LossAfterUpdate[^1],
            ["val_acc_after_all_updates"] = afterAll,
            ["seconds"] = curves.Seconds,
        };
        if (full)
        {
            result["train_loss"] = BookJson.Numbers(curves.LossAfterUpdate);
        }

        return result;
    }

    private static string TrialFile(string directory, int trial) => Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"trial-{trial:D3}.json"));

    private static void Save(SearchOptions options, int trial, JsonObject result)
    {
        if (options.TrialDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            RunFolder.WriteAtomically(TrialFile(directory, trial), BookJson.Write(result));
        }
    }

    /// <summary>A trial finished by an earlier, interrupted run, if its file is there and drew the same hyperparameters.</summary>
    private static JsonObject? Saved(SearchOptions options, int trial, double weightDecay, double lr)
    {
        if (options.TrialDirectory is not { } directory || !System.IO.File.Exists(TrialFile(directory, trial)))
        {
            return null;
        }

        string path = TrialFile(directory, trial);
        JsonObject saved;
        try
        {
            saved = JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsObject();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a saved trial ({e.Message}); delete it to rerun that trial.", e);
        }

        if (saved["lr"]?.GetValue<double>() != lr || saved["weight_decay"]?.GetValue<double>() != weightDecay)
        {
            throw new InvalidDataException($"{path} holds another search's trial (its lr or weight decay differs from this run's draw); resume with the same settings or use a new folder.");
        }

        return saved;
    }

    private static JsonObject File(BookSettings settings, int[] permutation, int[] labels, JsonObject[] trials)
    {
        // Python's sorted(..., reverse=True) is stable: ties keep trial order.
        int[] ranking = [.. Enumerable.Range(0, trials.Length).OrderByDescending(k => trials[k]["final_val_acc"]!.GetValue<double>())];
        return new JsonObject
        {
            ["meta"] = new JsonObject
            {
                ["producer"] = "descent book search (Descent.Cli)",
                ["mode"] = settings.ReproduceBook ? "--reproduce-book: NumPy stream seed 0, float64, reference-BLAS order" : settings.Precision,
                ["created"] = RunOutput.Now(),
            },
            ["trials_run"] = trials.Length,
            ["trials"] = new JsonArray([.. trials.Select(t => (JsonNode?)t.DeepClone())]),
            ["ranking"] = BookJson.Integers(ranking),
            ["best"] = trials.Length == 0 ? null : trials[ranking[0]].DeepClone(),
            ["check"] = new JsonObject
            {
                ["permutation"] = BookJson.Integers(permutation),
                ["t_val[:20]"] = BookJson.Integers(labels[..20]),
                ["t_train[:20]"] = BookJson.Integers(labels[Validation..(Validation + 20)]),
            },
        };
    }
}
