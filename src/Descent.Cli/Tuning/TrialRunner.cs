using System.Numerics;
using Descent.Cli.Lab;

namespace Descent.Cli.Tuning;

/// <summary>Trains one trial through the lab's MNIST experiment (the library's one training loop) and measures it on the validation split.</summary>
internal static class TrialRunner
{
    /// <summary>Trains <paramref name="spec"/> for <paramref name="iterations"/> with the study's settings; the record's test loss and accuracy are on the validation split.</summary>
    /// <param name="split">Training data without the validation examples; its "test" part is the validation split.</param>
    /// <param name="settings">The study's network, batch size and seed.</param>
    /// <param name="spec">The configuration.</param>
    /// <param name="iterations">The rung's iterations.</param>
    /// <param name="stop">Ctrl-C: the run ends at its next step, and the record says where (<see cref="LossCurveRecord.InterruptedAt"/>).</param>
    public static LossCurveRecord Train<T>(ScaledData<T> split, MnistSettings settings, OptimizerSpec spec, int iterations, CancellationToken stop = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // A trial keeps only its loss curve and validation result: no diagnostics. Trials train settings.Parallelism
        // at a time, so each gets its share of the processors for its products.
        var (work, collect) = MnistExperiment.Prepare(split, settings with { Iterations = iterations, Parallelism = 1, DiagnosticsEvery = 0, GemmThreads = settings.GemmThreadsFor(settings.Parallelism) }, [spec], stop);
        work[0].Work(Silent.Instance);
        return collect().Runs[0];
    }

    /// <summary>Holds out a seeded random <paramref name="fraction"/> of the training examples as validation (the test set stays untouched).</summary>
    public static (LabData Train, LabData Validation) Split(LabData data, double fraction, long seed)
    {
        int count = data.TrainCount;
        int held = Math.Clamp((int)Math.Round(count * fraction), 1, count - 1);
        var order = Descent.Data.RandomPermutation.Create(new Descent.Randomness.MersenneTwister(unchecked((uint)seed)), count);
        int[] validation = [.. order.AsSpan(0, held).ToArray().Order()];
        int[] train = [.. order.AsSpan(held).ToArray().Order()];
        int width = data.FeatureCount;
        (byte[] Pixels, double[]? Values, int[] Labels) Take(int[] rows)
        {
            byte[] pixels = data.IsImages ? new byte[rows.Length * width] : [];
            double[]? values = data.TrainValues is null ? null : new double[rows.Length * width];
            int[] labels = new int[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                if (values is null)
                {
                    data.TrainPixels.AsSpan(rows[i] * width, width).CopyTo(pixels.AsSpan(i * width));
                }
                else
                {
                    data.TrainValues.AsSpan(rows[i] * width, width).CopyTo(values.AsSpan(i * width));
                }

                labels[i] = data.TrainLabels[rows[i]];
            }

            return (pixels, values, labels);
        }

        var (trainPixels, trainValues, trainLabels) = Take(train);
        var (validationPixels, validationValues, validationLabels) = Take(validation);
        string description = $"{data.Description}, {train.Length} for training, {validation.Length} held out for validation";
        var training = data with { Description = description, TrainPixels = trainPixels, TrainValues = trainValues, TrainLabels = trainLabels };
        return (training, training with { TestPixels = validationPixels, TestValues = validationValues, TestLabels = validationLabels });
    }

    private sealed class Silent : IProgressReporter
    {
        public static Silent Instance { get; } = new();

        public void Report(long done, double loss)
        {
        }
    }
}
