namespace Descent.Data;

/// <summary>How a <see cref="MiniBatchSampler{T}"/> picks the examples of each batch.</summary>
public enum BatchOrder
{
    /// <summary>
    /// Each batch is drawn independently, with replacement: the book's
    /// <c>np.random.choice(train_size, batch_size)</c>. There are no epochs.
    /// </summary>
    WithReplacement,

    /// <summary>Each epoch visits every example once, in a fresh random order.</summary>
    ShuffledEpochs,

    /// <summary>Each epoch visits every example once, in dataset order (evaluation).</summary>
    Sequential,
}
