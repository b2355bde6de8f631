using ScottPlot;
using SkiaSharp;

namespace Descent.Cli.Lab;

/// <summary>
/// Titles and axis labels that fit their figure. A title is measured with the font it is drawn in (DejaVu Sans, bold,
/// through SkiaSharp) against the width it has; one that is too wide is first made smaller, down to
/// <see cref="SmallestTextSize"/>, then broken into lines after spaces or commas — a long optimizer spec such as
/// <c>adam:lr=0.001,betas=[0.9,0.999],weight_decay=0.01</c> has no spaces — so no title is ever cut at the edge.
/// </summary>
internal static partial class Plots
{
    /// <summary>Text is never made smaller than this (points) to fit; below it, it wraps instead.</summary>
    public const float SmallestTextSize = 12;

    /// <summary>What a title or label may use of its figure's width: ScottPlot centres it and keeps a margin on each side.</summary>
    public static float TextRoom(int figureWidth) => figureWidth - 40;

    /// <summary>The width of <paramref name="text"/>'s widest line in the lab's bold font at <paramref name="size"/>.</summary>
    public static float TextWidth(string text, float size)
    {
        LabFonts.EnsureInstalled();
        using var typeface = LabFonts.Typeface(bold: true);
        using var font = new SKFont(typeface, size);
        return text.Split('\n').Max(line => font.MeasureText(line));
    }

    /// <summary>The text and size at which <paramref name="text"/> fits <paramref name="room"/>: smaller first, then wrapped.</summary>
    public static (string Text, float Size) Fit(string text, float size, float room)
    {
        float fitted = size;
        while (TextWidth(text, fitted) > room && fitted > SmallestTextSize)
        {
            fitted = Math.Max(SmallestTextSize, fitted - 1);
        }

        return TextWidth(text, fitted) <= room ? (text, fitted) : (Wrap(text, fitted, room), fitted);
    }

    /// <summary>Sets <paramref name="plot"/>'s title so that it fits a figure <paramref name="figureWidth"/> pixels wide.</summary>
    public static void FitTitle(Plot plot, string title, float size, int figureWidth)
    {
        var (text, fitted) = Fit(title, size, TextRoom(figureWidth));
        plot.Title(text, fitted);
    }

    /// <summary>Sets the x-axis label so that it fits a figure <paramref name="figureWidth"/> pixels wide.</summary>
    public static void FitXLabel(Plot plot, string label, float size, int figureWidth)
    {
        var (text, fitted) = Fit(label, size, TextRoom(figureWidth));
        plot.XLabel(text, fitted);
    }

    /// <summary>Greedy line breaking after a space or a comma; a piece with no break point wider than the room is cut where it must be.</summary>
    private static string Wrap(string text, float size, float room)
    {
        var pieces = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is ' ' or ',')
            {
                pieces.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        pieces.Add(text[start..]);
        var lines = new List<string>();
        string line = string.Empty;
        foreach (string piece in pieces)
        {
            if (line.Length > 0 && TextWidth((line + piece).TrimEnd(), size) > room)
            {
                lines.Add(line.TrimEnd());
                line = string.Empty;
            }

            line += piece;
            while (TextWidth(line.TrimEnd(), size) > room && line.Length > 1)
            {
                int cut = line.Length - 1;
                while (cut > 1 && TextWidth(line[..cut], size) > room)
                {
                    cut--;
                }

                lines.Add(line[..cut]);
                line = line[cut..];
            }
        }

        lines.Add(line.TrimEnd());
        return string.Join('\n', lines.Where(l => l.Length > 0));
    }
}
