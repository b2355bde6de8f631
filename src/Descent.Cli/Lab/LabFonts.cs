using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace Descent.Cli.Lab;

/// <summary>
/// Makes plots look the same everywhere: DejaVu Sans (Bitstream Vera licence, see Fonts/LICENSE-DejaVu.txt) is
/// embedded in the CLI and served to ScottPlot from memory, so machines without system fonts (CI) draw the same text.
/// </summary>
internal static class LabFonts
{
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<bool> Installed = new(() =>
    {
        Fonts.FontResolvers.Insert(0, new EmbeddedResolver(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf")));
        Fonts.Default = Family;
        Fonts.Sans = Family;
        return true;
    });

    /// <summary>Registers the embedded font with ScottPlot once.</summary>
    public static void EnsureInstalled() => _ = Installed.Value;

    /// <summary>A Skia typeface of the embedded font (for text drawn outside ScottPlot).</summary>
    public static SKTypeface Typeface(bool bold) =>
        SKTypeface.FromData(SKData.CreateCopy(Load(bold ? "DejaVuSans-Bold.ttf" : "DejaVuSans.ttf")));

    private static byte[] Load(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Descent.Cli.Fonts.{file}")
            ?? throw new InvalidOperationException($"The embedded font {file} is missing from the CLI assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed class EmbeddedResolver(byte[] regular, byte[] bold) : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold1, bool italic) =>
            string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase)
                ? SKTypeface.FromData(SKData.CreateCopy(bold1 ? bold : regular))
                : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            CreateTypeface(fontName, weight >= FontWeight.SemiBold, slant != FontSlant.Upright);
    }
}
