#region README quick-start
using Descent;
using Descent.Optimizers;

#endregion
namespace Samples;

/// <summary>The README's first example: SGD with momentum minimizing ‖w‖².</summary>
public static class QuickStart
{
    /// <summary>Runs the example and returns the final weights.</summary>
    public static double[] Run()
    {
        #region README quick-start
        var w = new Parameter<double>("w", [1.0, -2.0, 3.0]);
        var sgd = new Sgd<double>([w], new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });
        for (int step = 0; step < 100; step++)
        {
            sgd.ZeroGrad();
            Span<double> value = w.Value.Span, grad = w.Gradient.Span;
            for (int i = 0; i < value.Length; i++) grad[i] = 2 * value[i];   // ∇ of ‖w‖²
            sgd.Step();
        }
        #endregion
        return w.Value.ToArray();
    }
}
