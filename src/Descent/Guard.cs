using System.Globalization;

namespace Descent;

/// <summary>
/// Boundary checks with messages that name the setting, the value and what is allowed.
/// Kernels trust their inputs; everything a user can set passes through here first.
/// </summary>
internal static class Guard
{
    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0; got {Format(value)}.");
        }
    }

    public static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0; got {Format(value)}.");
        }
    }

    /// <summary>Checks <c>0 ≤ value &lt; 1</c> (or ≤ 1 when <paramref name="inclusiveUpper"/>).</summary>
    public static void UnitInterval(double value, string name, bool inclusiveUpper = false)
    {
        bool ok = value >= 0 && (inclusiveUpper ? value <= 1 : value < 1);
        if (!ok)
        {
            string range = inclusiveUpper ? "[0, 1]" : "[0, 1)";
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in {range}; got {Format(value)}.");
        }
    }

    public static void InRange(double value, double low, double high, string name)
    {
        if (!(value >= low && value <= high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{Format(low)}, {Format(high)}]; got {Format(value)}.");
        }
    }

    public static void PositiveInt(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive integer; got {value}.");
        }
    }

    public static void NonNegativeInt(long value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be an integer ≥ 0; got {value}.");
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
