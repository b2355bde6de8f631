using System.Numerics;
using Descent.Cli.Lab;
using Descent.Numerics;

namespace Descent.Cli.Book;

/// <summary>How a chapter-6 experiment runs: the book's exact arithmetic, or the lab's fast default.</summary>
internal sealed record BookSettings
{
    /// <summary>
    /// NumPy's stream seeded 0 (always), float64, matrix products in reference-BLAS order, no denormal flushing:
    /// the numbers of the book's own code.
    /// </summary>
    public bool ReproduceBook { get; init; }

    /// <summary>float64 with the fast kernels (ignored under <see cref="ReproduceBook"/>, which is always float64).</summary>
    public bool Double { get; init; }

    /// <summary>Stop each run after this many iterations (tests check prefixes of the long runs); null runs the script's length.</summary>
    public int? Prefix { get; init; }

    /// <summary>Independent trainings run on this many cores at once.</summary>
    public int Parallelism { get; init; } = Math.Max(1, Environment.ProcessorCount);

    public bool UseDouble => ReproduceBook || Double;

    public string Precision => UseDouble ? "float64" : "float32";

    /// <summary>Reference-BLAS order under <see cref="ReproduceBook"/> (NumPy's products, as the book ran them); the blocked kernel otherwise.</summary>
    public GemmContext Gemm => ReproduceBook ? GemmContext.Sequential : GemmContext.Default;

    public int Iterations(int scriptLength) => Prefix is { } p ? Math.Min(p, scriptLength) : scriptLength;

    public BookLoopOptions Loop(int iterations, int batchSize, double evaluationPeriod, bool recordLossAfterUpdate) => new()
    {
        Iterations = Iterations(iterations),
        BatchSize = batchSize,
        EvaluationPeriod = evaluationPeriod,
        RecordLossAfterUpdate = recordLossAfterUpdate,
        FlushDenormals = !ReproduceBook && LabDenormals.IsSupported,
    };

    /// <summary>The first <paramref name="count"/> training images as the book's <c>x_train[:count]</c>.</summary>
    public static (T[] X, int[] Labels) TrainPrefix<T>(LabData data, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (data.TrainCount < count)
        {
            throw new InvalidDataException($"The experiment takes the first {count} training images; {data.Description} has {data.TrainCount}.");
        }

        return (LabData.Scale<T>(data.TrainPixels[..(count * data.PixelsPerImage)]), data.TrainLabels[..count]);
    }
}
