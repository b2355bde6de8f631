using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Cli.Lab;

namespace Descent.Cli.Book;

/// <summary>The report of a chapter-6 run: what the figure shows and what to take from it, with the run's own numbers.</summary>
internal static class BookReport
{
    public static string Write(BookKind kind, JsonElement data, RunFolder folder, BookSettings settings)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {Title(kind)}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Mode: {(settings.ReproduceBook ? "`--reproduce-book` (NumPy's stream seeded 0, float64, reference-BLAS order: the book's own numbers)" : settings.Precision + ", fast kernels, NumPy's stream seeded 0")}.");
        if (settings.Prefix is { } prefix)
        {
            text.Append(CultureInfo.InvariantCulture, $" Only the first {prefix} iterations of each training were run (`--prefix`).");
        }

        text.Append("\n\n").Append(Summary(kind, data)).Append("\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Data: `{Chapter6.FileName(kind)}` (the schema of the goldens' `book/ch6/README.md`, so `--check` and `descent verify` read it).\n");
        if (kind != BookKind.ActivationHistograms)
        {
            // Every training experiment of the chapter steps with the book's SGD (TrainingExperiments, HyperparameterSearch).
            text.Append('\n').Append(Tuning.OptimizerDocText.MarkdownSection([LabOptimizers.Describe(TrainingExperiments.Sgd, Conventions.Book)]));
        }

        string path = folder.File("report.md");
        RunFolder.WriteAtomically(path, text.ToString());
        return path;
    }

    public static string Title(BookKind kind) => kind switch
    {
        BookKind.ActivationHistograms => "Activation distributions by weight initialisation (figures 6-10, 6-11, 6-13, 6-14)",
        BookKind.WeightInitCompare => "Weight initialisation on MNIST (figure 6-15)",
        BookKind.BatchNorm => "Batch normalisation (figure 6-18)",
        BookKind.BatchNormGrid => "Batch normalisation over 16 weight scales (figure 6-19)",
        BookKind.OverfitWeightDecay => "Overfitting and weight decay (figures 6-20, 6-21)",
        BookKind.OverfitDropout => "Dropout (figures 6-22, 6-23)",
        _ => "Hyperparameter search (figure 6-24)",
    };

    /// <summary>Two or three sentences on what the figure shows, with this run's numbers.</summary>
    public static string Summary(BookKind kind, JsonElement data) => kind switch
    {
        BookKind.ActivationHistograms => Activations(data),
        BookKind.WeightInitCompare => WeightInit(data),
        BookKind.BatchNorm => BatchNorm(data),
        BookKind.BatchNormGrid => Grid(data),
        BookKind.OverfitWeightDecay => Overfit(data, "weight_decay_0", "weight_decay_0.1", "weight decay λ = 0.1"),
        BookKind.OverfitDropout => Overfit(data, "no_dropout", "dropout_0.2", "dropout 0.2"),
        _ => Search(data),
    };

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Pct(double v) => (100 * v).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static JsonElement Layer5(JsonElement data, string name) =>
        data.GetProperty("variants").EnumerateArray().First(v => v.GetProperty("name").GetString() == name).GetProperty("layers")[4];

    private static string Activations(JsonElement data)
    {
        var wide = Layer5(data, "std=1/sigmoid").GetProperty("counts");
        double outer = (wide[0].GetDouble() + wide[29].GetDouble()) / 100_000;
        double narrow = Layer5(data, "std=0.01/sigmoid").GetProperty("std").GetDouble();
        double xavier = Layer5(data, "Xavier/sigmoid").GetProperty("std").GetDouble();
        double reluSmall = Layer5(data, "std=0.01/ReLU").GetProperty("std").GetDouble();
        double reluHe = Layer5(data, "He/ReLU").GetProperty("std").GetDouble();
        return string.Create(CultureInfo.InvariantCulture, $"With std-1 weights the sigmoid activations pile up at 0 and 1 ({Pct(outer)} of layer 5 in the two outer bins), where the gradient vanishes; with std 0.01 they collapse to 0.5 (std {narrow:G2} at layer 5), so every neuron says the same thing; with Xavier they stay spread out across all five layers (std {F(xavier)} at layer 5). ")
            + string.Create(CultureInfo.InvariantCulture, $"For ReLU the same holds with He's scale: with std 0.01 the activations shrink towards 0 layer after layer (std {reluSmall:G2} at layer 5), with He they keep their spread (std {F(reluHe)}). Take away: scale the initial weights to the fan-in (Xavier for sigmoid/tanh, He for ReLU).");
    }

    private static string WeightInit(JsonElement data)
    {
        var parts = data.GetProperty("loss").EnumerateObject()
            .Select(c => (c.Name, Final: LossCurveRecord.MeanOfLast(BookJson.NumberArray(c.Value), 100))).ToList();
        string finals = string.Join(", ", parts.Select(p => $"{p.Name} {F(p.Final)}"));
        return $"Mean training loss over the last 100 iterations: {finals}. With std 0.01 the signal dies out in the deep layers and the network barely learns (the loss stays near ln 10 ≈ 2.30); Xavier and He both learn, He fastest, as the book shows: the initial scale alone decides whether a ReLU network trains.";
    }

    private static string BatchNorm(JsonElement run)
    {
        var acc = run.GetProperty("train_acc");
        double with = BookJson.NumberArray(acc.GetProperty("with_BN"))[^1], without = BookJson.NumberArray(acc.GetProperty("without_BN"))[^1];
        return string.Create(CultureInfo.InvariantCulture, $"At weight scale {run.GetProperty("weight_init_std").GetDouble():G4}, after the last measurement the training accuracy is {F(with)} with batch normalisation and {F(without)} without. Batch normalisation makes learning fast and far less sensitive to the initial weights.");
    }

    private static string Grid(JsonElement data)
    {
        int better = 0, total = 0;
        foreach (var run in data.GetProperty("all_scales_seed0_each").EnumerateArray())
        {
            var acc = run.GetProperty("train_acc");
            total++;
            if (BookJson.NumberArray(acc.GetProperty("with_BN"))[^1] > BookJson.NumberArray(acc.GetProperty("without_BN"))[^1])
            {
                better++;
            }
        }

        return $"With batch normalisation the final training accuracy is higher at {better} of the {total} weight scales. Without it, training works only in a narrow band of scales (too large diverges, too small never starts); with it, almost every scale learns quickly.";
    }

    private static string Overfit(JsonElement data, string plain, string regularised, string what)
    {
        var runs = data.GetProperty("runs");
        string Gap(string name)
        {
            if (!runs.TryGetProperty(name, out var r))
            {
                return "not run";
            }

            double train = BookJson.NumberArray(r.GetProperty("train_acc"))[^1], test = BookJson.NumberArray(r.GetProperty("test_acc"))[^1];
            return $"train {F(train)} vs test {F(test)} (gap {F(train - test)})";
        }

        return $"Without regularisation: {Gap(plain)}; with {what}: {Gap(regularised)}. Trained on only 300 images, the 7-layer network learns them almost perfectly but generalises far worse; {what} narrows the gap between training and test accuracy (at the price of a lower training accuracy).";
    }

    private static string Search(JsonElement data)
    {
        var trials = data.GetProperty("trials").EnumerateArray().ToDictionary(t => t.GetProperty("trial").GetInt32());
        var best = data.GetProperty("ranking").EnumerateArray().Take(5).Select(i => trials[i.GetInt32()]).ToList();
        if (best.Count == 0)
        {
            return "No trials.";
        }

        var lrs = best.Select(t => t.GetProperty("lr").GetDouble()).ToList();
        var top = best[0];
        return string.Create(CultureInfo.InvariantCulture, $"Best of {trials.Count} trials: validation accuracy {F(top.GetProperty("final_val_acc").GetDouble())} with lr {top.GetProperty("lr").GetDouble():G3} and weight decay {top.GetProperty("weight_decay").GetDouble():G3}. The five best learning rates lie in [{lrs.Min():G2}, {lrs.Max():G2}] while their weight decays spread widely: the learning rate matters most, and the next search should narrow its range around these values, as the book suggests.");
    }
}
