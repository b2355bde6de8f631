#region README data
using Descent.Data;
using Descent.Randomness;

#endregion
namespace Samples;

/// <summary>The README's data example: load a folder of IDX files, split, and draw a mini-batch.</summary>
public static class DataLoading
{
    /// <summary>Runs the example on the MNIST folder given; returns the first batch and the split sizes.</summary>
    public static (MiniBatch<float> Batch, int Fit, int Validation) Run(string folder)
    {
        #region README data
        TrainTestSplit mnist = DatasetDirectory.Load(folder);    // e.g. "data/mnist", the bundled subset
        TensorDataset<float> train = mnist.Train.ToTensors<float>(PixelScaling.UnitInterval);   // [N, 784], labels 0..9
        var (fit, validation) = train.SplitValidation(1000, new SeededRandom(1));
        var batches = new MiniBatchSampler<float>(fit, 128, BatchOrder.WithReplacement, new SeededRandom(42), LabelEncoding.OneHot);
        MiniBatch<float> batch = batches.Next();   // batch.Features [128, 784], batch.Labels, batch.OneHotLabels; no allocation
        #endregion
        return (batch, fit.Count, validation.Count);
    }
}
