using System.Globalization;

namespace Descent.Cli;

/// <summary>
/// Numbers as the lab prints them: a few significant digits, plain notation for ordinary magnitudes and
/// <c>2.7e-15</c> (never <c>2.67E-015</c>) for tiny or huge ones, so a small loss never prints as <c>0.0000</c>.
/// </summary>
internal static class Numbers
{
    /// <summary>Formats <paramref name="value"/> with <paramref name="digits"/> significant digits.</summary>
    public static string Format(double value, int digits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        if (value == 0 || !double.IsFinite(value))
        {
            return value == 0 ? "0" : value.ToString(CultureInfo.InvariantCulture);
        }

        double magnitude = Math.Abs(value);
        if (magnitude >= 1e-3 && magnitude < Math.Pow(10, Math.Max(digits, 5)))
        {
            // Rounded to the significant digits, then printed without an exponent or trailing zeros.
            int decimals = Math.Max(0, digits - 1 - (int)Math.Floor(Math.Log10(magnitude)));
            return Math.Round(value, Math.Min(decimals, 15), MidpointRounding.AwayFromZero).ToString("0.###############", CultureInfo.InvariantCulture);
        }

        string scientific = value.ToString("E" + (digits - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int e = scientific.IndexOf('E', StringComparison.Ordinal);
        int exponent = int.Parse(scientific.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string mantissa = scientific[..e].Contains('.', StringComparison.Ordinal) ? scientific[..e].TrimEnd('0').TrimEnd('.') : scientific[..e];
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{exponent}");
    }
}
