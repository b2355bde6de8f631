namespace Descent.Data;

/// <summary>How 8-bit pixels become network inputs.</summary>
public enum PixelScaling
{
    /// <summary>The raw value, 0 to 255.</summary>
    None,

    /// <summary><c>p / 255</c> computed in the target type: inputs in [0, 1].</summary>
    UnitInterval,

    /// <summary>
    /// <c>p / 255</c> computed in single precision and then widened, exactly what the book's
    /// <c>load_mnist(normalize=True)</c> produces (<c>x.astype(np.float32); x /= 255.0</c>). For
    /// <see cref="float"/> it equals <see cref="UnitInterval"/>; for <see cref="double"/> it is the
    /// input that reproduces the book's float64 runs bit for bit.
    /// </summary>
    UnitIntervalSinglePrecision,

    /// <summary><c>(p − mean) / std</c> with the given (or the data's own) <see cref="PixelStatistics"/>: zero mean, unit variance.</summary>
    Standardize,
}
