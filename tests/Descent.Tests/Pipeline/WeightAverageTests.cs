using Descent.Pipeline;

namespace Descent.Tests.Pipeline;

public class WeightAverageTests
{
    [Fact]
    public void FirstUpdateCopies_ThenEachUpdateMovesByOneMinusDecay()
    {
        var w = new Parameter<double>("w", [2.0, -4.0]);
        var average = new WeightAverage<double>([w], decay: 0.75);
        average.Update();
        Assert.Equal([2.0, -4.0], average.ValuesOf(0).ToArray());
        w.Value.Span[0] = 6.0;
        w.Value.Span[1] = 0.0;
        average.Update();
        Assert.Equal([2.0 + (0.25 * 4.0), -4.0 + (0.25 * 4.0)], average.ValuesOf(0).ToArray());
        Assert.Equal(2, average.UpdateCount);
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.3)]
    public void VectorizedUpdate_MatchesTheScalarFormula_ForAllLengths(double decay)
    {
        for (int length = 0; length <= 257; length++)
        {
            var p = new Parameter<double>("p", [.. Enumerable.Range(0, length).Select(i => Math.Sin(i))]);
            var average = new WeightAverage<double>([p], decay);
            average.Update();
            double[] expected = p.Value.ToArray();
            for (int i = 0; i < length; i++)
            {
                p.Value.Span[i] = Math.Cos(i * 1.7);
                double w = 1 - decay;
                expected[i] = w < 0.5 ? expected[i] + (w * (p.Value.Span[i] - expected[i])) : p.Value.Span[i] - ((p.Value.Span[i] - expected[i]) * (1 - w));
            }

            average.Update();
            Assert.Equal(expected, average.ValuesOf(0).ToArray());
        }
    }

    [Fact]
    public void SwapInAndOut_RestoresTheTrainingWeightsExactly()
    {
        var w = new Parameter<float>("w", new float[] { 1f, 2f, 3f });
        var average = new WeightAverage<float>([w], 0.5);
        average.Update();
        w.Value.Span.Fill(5f);
        average.Update();
        float[] training = w.Value.ToArray();
        float[] averaged = average.ValuesOf(0).ToArray();
        using (average.Apply())
        {
            Assert.True(average.IsSwappedIn);
            Assert.Equal(averaged, w.Value.ToArray());
            Assert.Throws<InvalidOperationException>(average.Update);
            Assert.Throws<InvalidOperationException>(average.SwapIn);
        }

        Assert.False(average.IsSwappedIn);
        Assert.Equal(training, w.Value.ToArray());
        Assert.Throws<InvalidOperationException>(average.SwapOut);
    }

    [Fact]
    public void SwapIn_BeforeAnyUpdate_IsRejected()
    {
        var average = new WeightAverage<double>([new Parameter<double>("w", [1.0])]);
        Assert.Contains("empty", Assert.Throws<InvalidOperationException>(average.SwapIn).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveThenLoad_ContinuesIdentically()
    {
        var w = new Parameter<double>("w", [1.0, 2.0]);
        var average = new WeightAverage<double>([w], 0.9);
        average.Update();
        w.Value.Span[0] = 3;
        average.Update();
        var state = average.SaveState();

        var restored = new WeightAverage<double>([w], 0.9);
        restored.LoadState(state);
        w.Value.Span[1] = -1;
        average.Update();
        restored.Update();
        Assert.Equal(average.ValuesOf(0).ToArray(), restored.ValuesOf(0).ToArray());
        Assert.Throws<ArgumentException>(() => new WeightAverage<double>([new Parameter<double>("v", [1.0])]).LoadState(state));
    }
}
