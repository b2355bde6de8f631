using System.Numerics;
using Descent.Data;
using Descent.NeuralNetworks;

namespace Descent.Training;

/// <summary>Which loss a <see cref="TrainingLoop{T}"/> records for each step.</summary>
public enum LossRecording
{
    /// <summary>The loss of the training-mode forward pass that produced the gradients (PyTorch's usual loop).</summary>
    BeforeUpdate,

    /// <summary>
    /// The loss of the same batch after the update, in evaluation mode: what the book's <c>Trainer.train_step</c>
    /// and its MNIST comparison record (one extra forward pass per step).
    /// </summary>
    AfterUpdate,
}

/// <summary>How a <see cref="TrainingLoop{T}"/> records losses, evaluates, combines gradients and reports.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed record TrainingLoopOptions<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Which loss is recorded per step (default: the forward pass before the update).</summary>
    public LossRecording Recording { get; init; } = LossRecording.BeforeUpdate;

    /// <summary>
    /// With <see cref="LossRecording.AfterUpdate"/>, how the loss after the update is measured on the step's batch;
    /// null: <see cref="Network{T}.Loss(ReadOnlyMemory{T}, int, ReadOnlySpan{int}, bool)"/> in evaluation mode.
    /// </summary>
    public Func<Network<T>, MiniBatch<T>, double>? MeasureLoss { get; init; }

    /// <summary>
    /// The evaluation period in steps, possibly fractional: observers' <see cref="ITrainingObserver.OnEvaluation"/>
    /// runs after the step of index <c>i</c> when <c>i mod period = 0</c> in floating point — the book's
    /// <c>current_iter % iter_per_epoch == 0</c> with <c>iter_per_epoch = train_size / batch_size</c>, which is
    /// fractional when the batch size does not divide the data. Null: never.
    /// </summary>
    public double? EvaluateEvery { get; init; }

    /// <summary>Combines gradients across workers before the pipeline (default: one process, nothing to combine).</summary>
    public IGradientReducer<T> Reducer { get; init; } = LocalGradients<T>.Instance;

    /// <summary>Observers, called in this order.</summary>
    public IReadOnlyList<ITrainingObserver> Observers { get; init; } = [];

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Recording))
        {
            throw new ArgumentOutOfRangeException(nameof(Recording), Recording, $"Recording must be one of {string.Join(", ", Enum.GetNames<LossRecording>())}.");
        }

        if (EvaluateEvery is double period && !(double.IsFinite(period) && period > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(EvaluateEvery), period, "EvaluateEvery must be a finite number of steps > 0 (or null: never).");
        }

        ArgumentNullException.ThrowIfNull(Reducer, nameof(Reducer));
        ArgumentNullException.ThrowIfNull(Observers, nameof(Observers));
    }
}
