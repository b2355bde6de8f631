namespace Descent.Data;

/// <summary>The four files of an MNIST-style dataset.</summary>
/// <param name="TrainImages">The training images.</param>
/// <param name="TrainLabels">The training labels.</param>
/// <param name="TestImages">The test images.</param>
/// <param name="TestLabels">The test labels.</param>
public sealed record DatasetFiles(string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    /// <summary>The four paths, training first.</summary>
    public IReadOnlyList<string> All => [TrainImages, TrainLabels, TestImages, TestLabels];
}
