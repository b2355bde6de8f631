namespace Descent.Data;

/// <summary>A <see cref="MiniBatchSampler{T}"/>'s position, for checkpoints.</summary>
/// <param name="Epoch">Epochs started.</param>
/// <param name="Cursor">Examples of the current epoch already handed out.</param>
/// <param name="Order">The current epoch's example order (empty when drawing with replacement).</param>
public sealed record BatchSamplerState(int Epoch, int Cursor, IReadOnlyList<int> Order);
