using System.Globalization;
using Descent.Functions;
using ScottPlot;
using SkiaSharp;

namespace Descent.Cli.Lab;

/// <summary>Draws a run's saved data: trajectories over contours (book fig. 6-8) and smoothed loss curves (fig. 6-9).</summary>
internal static partial class Plots
{
    private const int PanelWidth = 520;
    private const int PanelHeight = 440;
    private const int HeaderHeight = 44;

    /// <summary>The loss figure's width in pixels.</summary>
    public const int LossFigureWidth = 900;

    internal static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    /// <summary>Draws every figure the record has data for into the folder; returns the files written.</summary>
    public static IReadOnlyList<string> DrawAll(RunRecord record, RunFolder folder)
    {
        LabFonts.EnsureInstalled();
        var figures = new List<Action<List<string>>>();
        if (record.TwoD is { } twoD)
        {
            figures.Add(files => DrawTrajectories(twoD, folder.File("trajectories"), files));
            figures.Add(files => DrawValues(twoD, folder.File("values"), files));
            if (twoD.Repeats is { Count: > 1 })
            {
                figures.Add(files => DrawValueBands(twoD, folder.File("values_seeds"), files));
            }
        }

        if (record.Mnist is { } mnist)
        {
            figures.Add(files => Save(LossPlot(mnist, record.LinearY), LossFigureWidth, 560, folder.File("losses"), files));
            if (mnist.Repeats is { Count: > 1 })
            {
                figures.Add(files => DrawBands(mnist, record.LinearY, folder.File("losses_seeds"), files));
            }

            if (HasDiagnostics(mnist))
            {
                figures.Add(files => DrawDiagnostics(mnist, folder.File("diagnostics"), files));
            }
        }

        if (record.Tune is { } tune)
        {
            figures.Add(files => DrawBudget(tune, folder.File("budget"), files));
        }

        // The figures share nothing but the installed fonts, so they are drawn on all cores at once (each still
        // lists its files in the order above); on two cores this halves the plots' part of `compare`.
        var written = new List<string>[figures.Count];
        Parallel.For(0, figures.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            written[i] = [];
            figures[i](written[i]);
        });
        return [.. written.SelectMany(f => f)];
    }

    /// <summary>One panel per optimizer: its path over the contours of f, the start and the minima marked.</summary>
    public static void DrawTrajectories(TwoDRecord data, string pathWithoutExtension, List<string> files)
    {
        var function = TestFunction.Get(data.Function);
        int n = Math.Max(1, data.Runs.Count);
        int columns = n == 1 ? 1 : n <= 4 ? 2 : 3;
        int rows = (n + columns - 1) / columns;
        var panels = new List<Plot>();
        var contours = ContourGrid(function, 120);
        var levels = ContourLevels(function, contours);
        for (int i = 0; i < data.Runs.Count; i++)
        {
            var run = data.Runs[i];
            var plot = NewPlot();
            var contour = plot.Add.ContourLines(contours, levels.Length);
            contour.ContourLineLevels = levels;
            contour.Update(contours);
            contour.LineColor = Color.FromHex("#9aa5b1");
            contour.LineWidth = 1;
            contour.Colormap = null;
            contour.LabelStyle.IsVisible = false;

            DrawOtherSeeds(plot, data, i, Palette[i % Palette.Length]);
            var path = plot.Add.Scatter(run.X, run.Y, Palette[i % Palette.Length]);
            path.LineWidth = 1.5f;
            // Long runs would bury the path under its own markers.
            path.MarkerSize = run.X.Length <= 61 ? 5 : run.X.Length <= 301 ? 2.5f : 0;
            path.MarkerShape = MarkerShape.FilledCircle;
            plot.Add.Marker(run.X[0], run.Y[0], MarkerShape.OpenSquare, 10, Colors.Black);
            foreach (var (mx, my) in function.Minima)
            {
                plot.Add.Marker(mx, my, MarkerShape.Cross, 12, Colors.Black);
            }

            string title = run.Label;
            if (run.Outcome() is { } outcome)
            {
                // The path ends where it left the finite numbers or where Ctrl-C stopped it: mark that point.
                title += $" ({outcome})";
                var end = plot.Add.Marker(run.X[^1], run.Y[^1], run.DivergedAt is null ? MarkerShape.FilledSquare : MarkerShape.Eks, 13, Palette[i % Palette.Length]);
                end.MarkerLineWidth = 3;
            }
            else
            {
                title += string.Create(CultureInfo.InvariantCulture, $"  f = {Short(run.Value[^1])}");
            }

            FitTitle(plot, title, 17, PanelWidth);
            plot.XLabel("x", size: 15);
            plot.YLabel("y", size: 15);
            plot.Axes.SetLimits(function.XRange.Min, function.XRange.Max, function.YRange.Min, function.YRange.Max);
            panels.Add(plot);
        }

        string from = data.Repeats is { } seeds
            ? string.Create(CultureInfo.InvariantCulture, $"{seeds.Count} random starts around ({Short(data.StartX)}, {Short(data.StartY)})")
            : string.Create(CultureInfo.InvariantCulture, $"from ({Short(data.StartX)}, {Short(data.StartY)})");
        string header = string.Create(CultureInfo.InvariantCulture, $"f(x, y) = {data.Formula}   {from}, {data.Steps} steps, {data.Conventions.ToLowerInvariant()} conventions");
        Compose(panels, columns, rows, header, pathWithoutExtension, files);
    }

    /// <summary>f at each step, all optimizers on one axis (log scale when f stays positive and spans decades).</summary>
    public static void DrawValues(TwoDRecord data, string pathWithoutExtension, List<string> files)
    {
        var series = data.Runs.Select(r => new Curve(r.Label, r.Value, r.Outcome(), r.DivergedAt is not null)).ToList();
        var plot = NewPlot();
        DrawCurves(plot, series, smooth: false, "step", "f(x, y)");
        FitTitle(plot, $"f(x, y) = {data.Formula} along each path", 17, PanelWidth + 280);
        FitXLabel(plot, plot.Axes.Bottom.Label.Text, 15, PanelWidth + 280);
        Save(plot, PanelWidth + 280, PanelHeight + 40, pathWithoutExtension, files);
    }

    /// <summary>
    /// The training loss of each optimizer, smoothed as the book smooths it with the raw values faint behind (a long
    /// run: a moving median over the raw band); <paramref name="linearY"/>: the book's linear 0–1 axis instead of log.
    /// </summary>
    public static Plot LossPlot(MnistRecord data, bool linearY)
    {
        var series = data.Runs.Select(r => new Curve(r.Label, r.Loss, r.Outcome(), r.DivergedAt is not null)).ToList();
        var plot = NewPlot();
        DrawCurves(plot, series, smooth: true, "iteration", "training loss", linearY);
        FitTitle(plot, $"{data.Network}, batch {data.BatchSize}, {data.Precision}", 17, LossFigureWidth);
        FitXLabel(plot, plot.Axes.Bottom.Label.Text, 15, LossFigureWidth);
        return plot;
    }

    /// <summary>
    /// The book's <c>smooth_curve</c> (common/util.py): mirror-pad by 10, convolve with a normalised Kaiser window
    /// of length 11 and β = 2, drop 5 values at each end — so our figure 6-9 matches the book's.
    /// </summary>
    public static double[] SmoothCurve(ReadOnlySpan<double> x)
    {
        const int window = 11;
        if (x.Length < window)
        {
            return x.ToArray();
        }

        // s = x[window-1:0:-1] ++ x ++ x[-1:-window:-1]
        var s = new List<double>((2 * window) + x.Length);
        for (int i = window - 1; i > 0; i--)
        {
            s.Add(x[i]);
        }

        foreach (double v in x)
        {
            s.Add(v);
        }

        for (int i = x.Length - 1; i > x.Length - window; i--)
        {
            s.Add(x[i]);
        }

        double[] w = Kaiser(window, 2);
        double sum = w.Sum();
        int valid = s.Count - window + 1;
        double[] y = new double[valid];
        for (int i = 0; i < valid; i++)
        {
            double acc = 0;
            for (int j = 0; j < window; j++)
            {
                // np.convolve flips the kernel; the Kaiser window is symmetric, so order is only rounding.
                acc += w[window - 1 - j] / sum * s[i + j];
            }

            y[i] = acc;
        }

        return y[5..^5];
    }

    private static double[] Kaiser(int length, double beta)
    {
        double[] w = new double[length];
        double alpha = (length - 1) / 2.0;
        for (int n = 0; n < length; n++)
        {
            double r = (n - alpha) / alpha;
            w[n] = BesselI0(beta * Math.Sqrt(1 - (r * r))) / BesselI0(beta);
        }

        return w;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 60; k++)
        {
            term *= q / (k * (double)k);
            sum += term;
            if (term < 1e-17 * sum)
            {
                break;
            }
        }

        return sum;
    }

    /// <summary>One curve to draw: <paramref name="End"/> says why it stops early (diverged or interrupted), null when it ran to the end.</summary>
    private sealed record Curve(string Label, double[] Values, string? End, bool Diverged);

    /// <summary>A curve as drawn: its line at <paramref name="X"/>, and for a long run the raw values' band (else null).</summary>
    private sealed record Shown(Curve Curve, double[] X, double[] Y, double[]? Low, double[]? High);

    /// <summary>
    /// The book's smoothing for a run of its length (<see cref="SmoothCurve"/>); from <see cref="LongRunIterations"/>
    /// points a moving median over the raw band (<see cref="SmoothLong"/>); the values as they are when not smoothed.
    /// </summary>
    private static Shown Prepare(Curve curve, bool smooth)
    {
        if (smooth && curve.Values.Length >= LongRunIterations)
        {
            var reduced = SmoothLong(curve.Values);
            return new Shown(curve, reduced.X, reduced.Median, reduced.Low, reduced.High);
        }

        double[] ys = smooth ? SmoothCurve(curve.Values) : curve.Values;
        return new Shown(curve, Xs(ys.Length), ys, null, null);
    }

    /// <summary>
    /// The curves on one axis: log scale when positive and spanning decades, unless <paramref name="linearY"/> asks
    /// for the book's linear 0–1 axis (<c>plt.ylim(0, 1)</c> in figure 6-9; raised only when a curve ends above 1).
    /// A curve that stops early ends with a marker and its reason (× diverged, ■ interrupted); the axis is fitted to
    /// the curves that did not diverge, so a diverging one cannot flatten the others (its marker stays inside the frame).
    /// </summary>
    private static void DrawCurves(Plot plot, List<Curve> series, bool smooth, string xLabel, string yLabel, bool linearY = false)
    {
        var drawn = series.Select(s => Prepare(s, smooth)).ToList();
        var fitted = drawn.Any(d => !d.Curve.Diverged) ? drawn.Where(d => !d.Curve.Diverged).ToList() : drawn;
        var finite = fitted.SelectMany(d => d.Y).Where(double.IsFinite).ToArray();
        bool log = !linearY && finite.Length > 0 && finite.Min() > 0 && finite.Max() / finite.Min() > 20;
        Func<double, double> map = log ? Math.Log10 : v => v;
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        var lines = new List<double[]>();
        for (int i = 0; i < drawn.Count; i++)
        {
            var color = Palette[i % Palette.Length];
            var shown = drawn[i];
            if (shown.Low is { } bandLow && shown.High is { } bandHigh)
            {
                var band = plot.Add.FillY(shown.X, Map(bandLow, map), Map(bandHigh, map));
                band.FillStyle.Color = color.WithAlpha(0.18);
                band.LineStyle.Width = 0;
            }
            else if (smooth)
            {
                var raw = plot.Add.Scatter(Xs(shown.Curve.Values.Length), Map(shown.Curve.Values, map), color.WithAlpha(0.18));
                raw.MarkerSize = 0;
                raw.LineWidth = 1;
            }

            double[] ys = Map(shown.Y, map);
            lines.Add(ys);
            var line = plot.Add.Scatter(shown.X, ys, color);
            line.MarkerSize = smooth ? 0 : 4;
            line.LineWidth = 2;
            line.LegendText = shown.Curve.End is { } end ? $"{shown.Curve.Label} ({end})" : shown.Curve.Label;
            if (fitted.Contains(shown))
            {
                foreach (double v in ys.Where(double.IsFinite))
                {
                    low = Math.Min(low, v);
                    high = Math.Max(high, v);
                }
            }
        }

        if (!double.IsFinite(low))
        {
            (low, high) = (0, 1);
        }

        if (linearY)
        {
            double last = fitted.Select(d => d.Y.LastOrDefault(double.IsFinite)).DefaultIfEmpty(0).Max();
            (low, high) = (0, Math.Max(1, last * 1.1));
            plot.Axes.SetLimitsY(low, high);
            yLabel += high == 1 ? " (linear, 0–1 as the book)" : " (linear)";
        }
        else if (log)
        {
            yLabel += LogAxis(plot, low, high);
        }
        else if (drawn.Any(d => d.Curve.Diverged))
        {
            double pad = Math.Max(high - low, Math.Abs(high) * 1e-3 + 1e-12) * 0.05;
            plot.Axes.SetLimitsY(low - pad, high + pad);
        }

        double longest = drawn.Select(d => d.Curve.Values.Length - 1.0).DefaultIfEmpty(0).Max();
        for (int i = 0; i < drawn.Count; i++)
        {
            if (drawn[i].Curve.End is { } end)
            {
                MarkEnd(plot, drawn[i].X, lines[i], drawn[i].Curve, end, (low, high), longest, Palette[i % Palette.Length]);
            }
        }

        if (drawn.FirstOrDefault(d => d.Low is not null) is { } longRun)
        {
            xLabel += " — " + LongRunCaption(MedianWindow(longRun.Curve.Values.Length));
        }

        plot.XLabel(xLabel, size: 15);
        plot.YLabel(yLabel, size: 15);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Legend.FontSize = 14;
    }

    /// <summary>The end of a curve that stopped early: a marker at its last point (kept inside the axis) and the reason beside it.</summary>
    private static void MarkEnd(Plot plot, double[] xs, double[] ys, Curve curve, string end, (double Low, double High) range, double longest, Color color)
    {
        var (low, high) = range;
        double x = xs.Length > 0 ? xs[^1] : 0;
        double y = ys.Length > 0 && double.IsFinite(ys[^1]) ? Math.Clamp(ys[^1], low, high) : high;
        var marker = plot.Add.Marker(x, y, curve.Diverged ? MarkerShape.Eks : MarkerShape.FilledSquare, 12, color);
        marker.MarkerLineWidth = 3;
        var text = plot.Add.Text($"{curve.Label} {end}", x, y);
        text.LabelFontSize = 13;
        text.LabelFontColor = color;
        text.LabelFontName = LabFonts.Family;
        text.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
        // The label goes towards the middle of the frame, so it is never cut at an edge.
        bool top = y >= (low + high) / 2, right = x > longest / 2.0;
        text.LabelAlignment = (top, right) switch
        {
            (true, false) => Alignment.UpperLeft,
            (true, true) => Alignment.UpperRight,
            (false, false) => Alignment.LowerLeft,
            _ => Alignment.LowerRight,
        };
        text.OffsetX = right ? -8 : 8;
    }

    /// <summary>Ticks at 1, 2, 5 × 10ⁿ for data already mapped to log10, limits padded by 5 %; returns the label suffix.</summary>
    private static string LogAxis(Plot plot, double low, double high)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int e = (int)Math.Floor(low) - 1; e <= (int)Math.Ceiling(high) + 1; e++)
        {
            foreach (int m in new[] { 1, 2, 5 })
            {
                double value = m * Math.Pow(10, e);
                ticks.AddMajor(Math.Log10(value), value.ToString("G3", CultureInfo.InvariantCulture));
            }

            for (int m = 3; m <= 9; m++)
            {
                if (m != 5)
                {
                    ticks.AddMinor(Math.Log10(m * Math.Pow(10, e)));
                }
            }
        }

        plot.Axes.Left.TickGenerator = ticks;
        double pad = (high - low) * 0.05;
        plot.Axes.SetLimitsY(low - pad, high + pad);
        return " (log scale)";
    }

    private static double[] Xs(int n)
    {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = i;
        }

        return xs;
    }

    private static double[] Map(double[] values, Func<double, double> map)
    {
        // Non-finite points (a diverged run) are dropped to NaN, which ScottPlot leaves as gaps.
        double[] result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = map(values[i]);
            result[i] = double.IsFinite(v) ? v : double.NaN;
        }

        return result;
    }

    internal static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(LabFonts.Family);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        return plot;
    }

    private static Coordinates3d[,] ContourGrid(TestFunction f, int n)
    {
        var grid = new Coordinates3d[n, n];
        for (int r = 0; r < n; r++)
        {
            double y = f.YRange.Min + ((f.YRange.Max - f.YRange.Min) * r / (n - 1));
            for (int c = 0; c < n; c++)
            {
                double x = f.XRange.Min + ((f.XRange.Max - f.XRange.Min) * c / (n - 1));
                grid[r, c] = new Coordinates3d(x, y, f.Value(x, y));
            }
        }

        return grid;
    }

    /// <summary>Geometric levels for functions ≥ 0 (valleys need fine levels near the bottom), linear otherwise.</summary>
    private static double[] ContourLevels(TestFunction f, Coordinates3d[,] grid)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var c in grid)
        {
            min = Math.Min(min, c.Z);
            max = Math.Max(max, c.Z);
        }

        // Rastrigin's egg-crate needs few levels to stay legible.
        int count = f.Name == "rastrigin" ? 8 : 16;
        double[] levels = new double[count];
        if (min >= 0 && f.Name != "rastrigin")
        {
            double lo = Math.Max(max * 1e-4, 1e-3), hi = max * 0.9;
            for (int i = 0; i < count; i++)
            {
                levels[i] = lo * Math.Pow(hi / lo, i / (count - 1.0));
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                levels[i] = min + ((max - min) * (i + 0.5) / count);
            }
        }

        return levels;
    }

    private static string Short(double v) => Numbers.Format(v, 4);

    internal static void Save(Plot plot, int width, int height, string pathWithoutExtension, List<string> files)
    {
        plot.SavePng(pathWithoutExtension + ".png", width, height);
        plot.SaveSvg(pathWithoutExtension + ".svg", width, height);
        files.Add(pathWithoutExtension + ".png");
        files.Add(pathWithoutExtension + ".svg");
    }

    /// <summary>Lays panels out in a grid under a header, once as PNG and once as SVG.</summary>
    internal static void Compose(List<Plot> panels, int columns, int rows, string header, string pathWithoutExtension, List<string> files, int panelWidth = PanelWidth, int panelHeight = PanelHeight)
    {
        int width = columns * panelWidth;
        int height = HeaderHeight + (rows * panelHeight);

        void Draw(SKCanvas canvas)
        {
            canvas.Clear(SKColors.White);
            // A header too wide for the panels is set smaller, then on two lines (Fit), never cut at the edges.
            var (text, size) = Fit(header, 18, width - 20);
            string[] lines = text.Split('\n');
            using (var typeface = LabFonts.Typeface(bold: false))
            using (var font = new SKFont(typeface, lines.Length == 1 ? size : Math.Min(size, 15)))
            using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
            {
                for (int l = 0; l < lines.Length; l++)
                {
                    canvas.DrawText(lines[l], width / 2f, lines.Length == 1 ? 29 : 19 + (18 * l), SKTextAlign.Center, font, paint);
                }
            }

            for (int i = 0; i < panels.Count; i++)
            {
                float left = i % columns * panelWidth;
                float top = HeaderHeight + (i / columns * panelHeight);
                // ScottPlot clears the canvas before drawing; the clip keeps that to this panel's cell.
                canvas.Save();
                canvas.ClipRect(new SKRect(left, top, left + panelWidth, top + panelHeight));
                panels[i].Render(canvas, new PixelRect(left, left + panelWidth, top + panelHeight, top));
                canvas.Restore();
            }
        }

        using (var surface = SKSurface.Create(new SKImageInfo(width, height)))
        {
            Draw(surface.Canvas);
            using var image = surface.Snapshot();
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            using var file = File.Create(pathWithoutExtension + ".png");
            png.SaveTo(file);
        }

        using (var file = File.Create(pathWithoutExtension + ".svg"))
        {
            using var svg = SKSvgCanvas.Create(new SKRect(0, 0, width, height), file);
            Draw(svg);
        }

        files.Add(pathWithoutExtension + ".png");
        files.Add(pathWithoutExtension + ".svg");
    }
}
