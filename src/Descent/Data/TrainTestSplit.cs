namespace Descent.Data;

/// <summary>A training set and a test set.</summary>
/// <param name="Train">The training set.</param>
/// <param name="Test">The test set.</param>
public sealed record TrainTestSplit(ImageDataset Train, ImageDataset Test);
