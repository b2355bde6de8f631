#region README denormals
using Descent;
using Descent.Numerics;
using Descent.Optimizers;

#endregion
namespace Samples;

/// <summary>The README's flush-to-zero example.</summary>
public static class FlushToZero
{
    /// <summary>Runs the example; returns the weight after the flushed steps and whether flushing was on inside the scope.</summary>
    public static (float Weight, bool WasFlushing) Run()
    {
        #region README denormals
        var p = new Parameter<float>("p", [1f]);
        var adam = new Adam<float>([p], new AdamOptions { LearningRate = 1e-3 });
        bool wasFlushing;
        using (Denormals.Flush())          // this thread only; restored when disposed
        {
            wasFlushing = Denormals.FlushToZero;
            for (int i = 0; i < 1000; i++) { p.Gradient.Span[0] = 1e-20f; adam.Step(); }   // g² = 1e-40 is subnormal in float
        }
        Denormals.FlushToZero = true;      // or switch it directly (this thread, until switched back)
        Denormals.FlushToZero = false;
        #endregion
        return (p.Value.Span[0], wasFlushing);
    }
}
