using Descent.Cli.Lab;

namespace Descent.Cli.Tests.Lab;

/// <summary>Figure titles and labels are measured in the font they are drawn in and always fit their figure.</summary>
public class TitleFitTests
{
    [Theory]
    [InlineData("adam:lr=0.001,betas=[0.9,0.999],weight_decay=0.01  f = 1.234e-5", 520)]
    [InlineData("SGD:lr=0.05,momentum=0.9,nesterov=true,weight_decay=0.0001,dampening=0 (diverged at step 17)", 520)]
    [InlineData("f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)² along each path", 800)]
    [InlineData("784-100-100-100-100-10 ReLU, he init, schedule CosineAnnealingLR(T_max=20000), BatchNorm, dropout 0.1, weight decay 0.0001, batch 128, float32", 900)]
    public void LongestRealTitles_FitTheirFigure_WhenMeasured(string title, int width)
    {
        var plot = Plots.NewPlot();
        Plots.FitTitle(plot, title, 17, width);
        string shown = plot.Axes.Title.Label.Text;
        float size = plot.Axes.Title.Label.FontSize;

        Assert.InRange(size, Plots.SmallestTextSize, 17);
        Assert.True(Plots.TextWidth(shown, size) <= width - 40, $"'{shown}' at {size} pt is {Plots.TextWidth(shown, size)} px wide in {width}");
        Assert.Equal(title.Replace(" ", string.Empty, StringComparison.Ordinal), shown.Replace("\n", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal));

        // And it renders (multi-line titles included).
        Assert.Equal(width, plot.GetImage(width, 440).Width);
    }

    [Fact]
    public void ShortTitle_IsLeftAsItIs()
    {
        var plot = Plots.NewPlot();
        Plots.FitTitle(plot, "SGD  f = 0.01", 17, 520);
        Assert.Equal("SGD  f = 0.01", plot.Axes.Title.Label.Text);
        Assert.Equal(17, plot.Axes.Title.Label.FontSize);
    }
}
