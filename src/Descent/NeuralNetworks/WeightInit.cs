using System.Globalization;
using System.Numerics;
using Descent.Randomness;

namespace Descent.NeuralNetworks;

/// <summary>
/// How an affine layer's weights are drawn: <c>W = scale · randn(in, out)</c>, as the book's
/// <c>weight_init_std</c> does; biases start at zero.
/// </summary>
public readonly record struct WeightInit
{
    private readonly double _value;

    private WeightInit(WeightInitKind kind, double value)
    {
        Kind = kind;
        _value = value;
    }

    // default(WeightInit) is He, the book's default for its ReLU networks.

    /// <summary>He et al. 2015: scale √(2 / fan-in), for ReLU (the book's <c>'relu'</c> / <c>'he'</c>).</summary>
    public static WeightInit He => new(WeightInitKind.He, 0);

    /// <summary>Xavier (Glorot and Bengio 2010) as the book writes it: scale √(1 / fan-in) (<c>'sigmoid'</c> / <c>'xavier'</c>).</summary>
    public static WeightInit Xavier => new(WeightInitKind.Xavier, 0);

    /// <summary>What this rule is.</summary>
    public WeightInitKind Kind { get; }

    /// <summary>A fixed standard deviation, e.g. the book's 0.01.</summary>
    /// <param name="standardDeviation">The scale, finite and ≥ 0.</param>
    /// <returns>The rule.</returns>
    public static WeightInit StandardDeviation(double standardDeviation)
    {
        Guard.NonNegative(standardDeviation, nameof(standardDeviation));
        return new(WeightInitKind.StandardDeviation, standardDeviation);
    }

    /// <summary>Parses the book's <c>weight_init_std</c>: <c>relu</c>/<c>he</c>, <c>sigmoid</c>/<c>xavier</c>, or a number.</summary>
    /// <param name="text">The setting, case-insensitive.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException">Neither a known name nor a number ≥ 0.</exception>
    public static WeightInit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text.Trim().ToUpperInvariant())
        {
            case "RELU" or "HE":
                return He;
            case "SIGMOID" or "XAVIER":
                return Xavier;
            default:
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double std) && std >= 0 && double.IsFinite(std))
                {
                    return StandardDeviation(std);
                }

                throw new ArgumentException($"Weight init '{text}' is not one of relu, he, sigmoid, xavier or a standard deviation ≥ 0 such as 0.01.", nameof(text));
        }
    }

    /// <summary>The standard deviation for a layer with <paramref name="fanIn"/> inputs.</summary>
    /// <param name="fanIn">Inputs of the layer, ≥ 1.</param>
    /// <returns>The scale.</returns>
    public double Scale(int fanIn)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fanIn, 1);
        return Kind switch
        {
            WeightInitKind.He => Math.Sqrt(2.0 / fanIn),
            WeightInitKind.Xavier => Math.Sqrt(1.0 / fanIn),
            _ => _value,
        };
    }

    /// <summary>
    /// Fills <paramref name="weights"/> in storage order with <c>scale · N(0, 1)</c> draws, like
    /// <c>scale * np.random.randn(in, out)</c> for an <c>in × out</c> matrix.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="weights">The matrix, row-major.</param>
    /// <param name="fanIn">Inputs of the layer.</param>
    /// <param name="random">The source of normals.</param>
    public void Fill<T>(Span<T> weights, int fanIn, IRandomSource random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        double scale = Scale(fanIn);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = T.CreateTruncating(scale * random.NextStandardNormal());
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        WeightInitKind.He => "he",
        WeightInitKind.Xavier => "xavier",
        _ => _value.ToString("R", CultureInfo.InvariantCulture),
    };
}

/// <summary>The kinds of <see cref="WeightInit"/>.</summary>
public enum WeightInitKind
{
    /// <summary>√(2 / fan-in).</summary>
    He,

    /// <summary>√(1 / fan-in).</summary>
    Xavier,

    /// <summary>A fixed scale.</summary>
    StandardDeviation,
}
