using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace Descent.Distributed;

/// <summary>
/// The collective steps of data-parallel training on one communicator: every rank holds the same parameters,
/// computes the mean gradient of its <see cref="BatchShard"/>, and <see cref="AllReduceGradients{T}"/> turns
/// those into the mean gradient of the global batch on every rank, so every rank then takes the same step.
/// </summary>
/// <param name="communicator">The ranks that train together.</param>
/// <param name="bucket">Elements per all-reduce call (see <see cref="MpiCommunicator.AllReduceSum{T}"/>).</param>
public sealed class DataParallel(MpiCommunicator communicator, int bucket = 1 << 20)
{
    /// <summary>The ranks that train together.</summary>
    public MpiCommunicator Communicator { get; } = communicator ?? throw new ArgumentNullException(nameof(communicator));

    /// <summary>Elements per all-reduce call.</summary>
    public int Bucket { get; } = bucket >= 1 ? bucket : throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "The bucket must hold at least one element.");

    /// <summary>This rank's rows of a global batch.</summary>
    /// <param name="globalBatch">The batch size over all ranks.</param>
    /// <returns>The slice.</returns>
    public BatchShard Shard(int globalBatch) => BatchShard.For(Communicator.Rank, Communicator.Size, globalBatch);

    /// <summary>
    /// Replaces this rank's mean gradient over its slice by the mean over the global batch: each rank scales its
    /// gradient by its share (<see cref="BatchShard.Weight{T}"/>), then one bucketed sum all-reduce over the flat
    /// buffer. With two ranks the result is exactly <c>w₀·g₀ + w₁·g₁</c> on both (IEEE addition commutes).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="gradients">The flat gradient buffer (all parameters back to back).</param>
    /// <param name="shard">This rank's slice of the batch the gradient came from.</param>
    public void AllReduceGradients<T>(Span<T> gradients, BatchShard shard)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Communicator.Size == 1)
        {
            return;
        }

        T weight = shard.Weight<T>();
        if (weight != T.One)
        {
            TensorPrimitives.Multiply(gradients, weight, gradients);
        }

        Communicator.AllReduceSum(gradients, Bucket);
    }

    /// <summary>
    /// The global batch's mean of a per-slice mean loss (Σ weightᵣ·lossᵣ over ranks), and whether any rank asked to
    /// stop — one all-reduce for both, so every rank learns of a stop request at the same step.
    /// </summary>
    /// <param name="loss">This rank's mean loss over its slice.</param>
    /// <param name="shard">This rank's slice.</param>
    /// <param name="stopping">Whether this rank was asked to stop (Ctrl-C, SIGTERM).</param>
    /// <returns>The mean over the global batch and whether any rank is stopping, the same on every rank.</returns>
    public (double Mean, bool AnyRankStopping) AllReduceLoss(double loss, BatchShard shard, bool stopping)
    {
        Span<double> buffer = [loss * shard.Weight<double>(), stopping ? 1 : 0];
        Communicator.AllReduceSum(buffer);
        return (buffer[0], buffer[1] > 0);
    }

    /// <summary>
    /// Checks that every rank holds the same parameters (one MAX all-reduce of a hash of their bits). Ranks drift
    /// apart only through a bug or a mis-configured job (different data or settings on some hosts); training on
    /// would silently average unrelated models.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The flat parameter buffer.</param>
    /// <param name="step">The step, for the message.</param>
    /// <exception cref="RanksDisagreeException">Some rank's parameters differ.</exception>
    public void CheckParametersAgree<T>(ReadOnlySpan<T> parameters, long step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Communicator.Agree(ParameterHash.Of(parameters)))
        {
            throw new RanksDisagreeException(string.Create(CultureInfo.InvariantCulture,
                $"The {Communicator.Size} processes hold different parameters at step {step} (hash check); every process must run the same program with the same settings and data. Stopping rather than averaging unrelated models."));
        }
    }

    /// <summary>
    /// Checks that every rank describes its job identically (settings, data checksum…) before training starts.
    /// </summary>
    /// <param name="description">What must be the same everywhere, e.g. the settings and the data's hash, as text.</param>
    /// <exception cref="RanksDisagreeException">Some rank differs.</exception>
    public void CheckSameJob(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (!Communicator.Agree(ParameterHash.Of(description.AsSpan())))
        {
            throw new RanksDisagreeException(
                $"The {Communicator.Size} processes were started with different settings or data; every host must run the same "
                + $"program version with the same options and the same data files. This rank has: {description}");
        }
    }
}

/// <summary>
/// The ranks of a data-parallel job do not hold the same parameters or settings. Every check that throws it is a
/// collective agreement, so it is thrown on every rank at the same point: the job can end cleanly (finalise, exit 1)
/// instead of through <see cref="MpiCommunicator.Abort"/>, whose tear-down can lose what the ranks last printed.
/// </summary>
public sealed class RanksDisagreeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RanksDisagreeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What differs.</param>
    public RanksDisagreeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What differs.</param>
    /// <param name="innerException">The cause.</param>
    public RanksDisagreeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
