using Descent.NeuralNetworks;
using Descent.Optimizers;
using Descent.Randomness;

namespace Descent.Distributed.Testing;

/// <summary>
/// A small classification run that the MPI worker and the tests both build: a 20-16-16-3 ReLU net (659 parameters,
/// an odd count so ZeRO shards cut a tensor in the middle), a fixed synthetic data set and a fixed sequence of global
/// batches of 10 rows (5 per rank on two ranks), all from seeds.
/// </summary>
internal static class TinyTraining
{
    public const int Features = 20;
    public const int Classes = 3;
    public const int Rows = 96;
    public const int GlobalBatch = 10;
    public const int Steps = 12;
    public const string Optimizer = "Adam:lr=0.01,weight_decay=0.001";

    public static MultiLayerNet<float> Network() =>
        new(Features, [16, 16], Classes, Activation.Relu, WeightInit.Parse("relu"), weightDecay: 0, random: new SeededRandom(11));

    public static IOptimizer<float> CreateOptimizer(IEnumerable<Parameter<float>> parameters) => OptimizerCatalog.Create(Optimizer, parameters);

    /// <summary>Inputs (row-major) and labels: labels from a fixed random linear map, so there is something to learn.</summary>
    public static (float[] X, int[] Labels) Data()
    {
        var random = new SeededRandom(5);
        var x = new float[Rows * Features];
        var map = new double[Features * Classes];
        for (int i = 0; i < map.Length; i++)
        {
            map[i] = random.NextStandardNormal();
        }

        var labels = new int[Rows];
        for (int r = 0; r < Rows; r++)
        {
            var score = new double[Classes];
            for (int f = 0; f < Features; f++)
            {
                x[(r * Features) + f] = (float)random.NextStandardNormal();
                for (int c = 0; c < Classes; c++)
                {
                    score[c] += x[(r * Features) + f] * map[(f * Classes) + c];
                }
            }

            labels[r] = Array.IndexOf(score, score.Max());
        }

        return (x, labels);
    }

    /// <summary>The rows of each step's global batch, drawn with replacement from one seeded stream.</summary>
    public static int[][] Batches()
    {
        var random = new SeededRandom(9);
        var batches = new int[Steps][];
        for (int s = 0; s < Steps; s++)
        {
            batches[s] = new int[GlobalBatch];
            for (int i = 0; i < GlobalBatch; i++)
            {
                batches[s][i] = random.NextInt(Rows);
            }
        }

        return batches;
    }

    /// <summary>Copies rows <paramref name="start"/> … start + count − 1 of a batch into a network input.</summary>
    public static (float[] X, int[] Labels) Slice(float[] x, int[] labels, int[] batch, int start, int count)
    {
        var sx = new float[count * Features];
        var sl = new int[count];
        for (int i = 0; i < count; i++)
        {
            x.AsSpan(batch[start + i] * Features, Features).CopyTo(sx.AsSpan(i * Features));
            sl[i] = labels[batch[start + i]];
        }

        return (sx, sl);
    }

    /// <summary>The raw bits of a float buffer, as written by the worker.</summary>
    public static byte[] Bits(ReadOnlySpan<float> values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray();
}
