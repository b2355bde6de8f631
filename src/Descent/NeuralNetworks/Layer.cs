using System.Numerics;

namespace Descent.NeuralNetworks;

/// <summary>
/// One stage of a feed-forward network over row-major batches (<c>batch × features</c>). A layer owns
/// its output and input-gradient buffers, sized to the largest batch seen, so forward and backward
/// allocate nothing after the first batch of a given size.
/// </summary>
/// <remarks>
/// <see cref="Forward"/> keeps a reference to its input (the previous layer's output) for the backward
/// pass; the returned memory stays valid until the layer's next forward call. <see cref="Backward"/>
/// overwrites the parameters' gradients (as the book's layers do), it does not accumulate them.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public abstract class Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _output = [];
    private T[] _inputGradient = [];

    /// <summary>Features per example going in.</summary>
    public abstract int InputSize { get; }

    /// <summary>Features per example coming out.</summary>
    public abstract int OutputSize { get; }

    /// <summary>Trainable tensors, in the order the layer declares them.</summary>
    public virtual IReadOnlyList<Parameter<T>> Parameters => [];

    /// <summary>Non-trainable state that evaluation needs (BatchNorm's running statistics).</summary>
    public virtual IReadOnlyList<NamedArray<T>> Buffers => [];

    /// <summary>Integer state (BatchNorm's <c>num_batches_tracked</c>).</summary>
    public virtual IReadOnlyList<NamedArray<long>> Counters => [];

    /// <summary>Rows of the last forward batch.</summary>
    protected int Batch { get; private set; }

    /// <summary>The last forward input, <c>Batch × InputSize</c>.</summary>
    protected ReadOnlyMemory<T> Input { get; private set; }

    /// <summary>Computes the output of a batch.</summary>
    /// <param name="input">Row-major <c>batch × InputSize</c>.</param>
    /// <param name="batch">Number of rows, ≥ 1.</param>
    /// <param name="training">Training mode (batch statistics, dropout) rather than evaluation.</param>
    /// <returns>Row-major <c>batch × OutputSize</c>, valid until the next forward call.</returns>
    /// <exception cref="ArgumentException">The input length is not <c>batch × InputSize</c>.</exception>
    public ReadOnlyMemory<T> Forward(ReadOnlyMemory<T> input, int batch, bool training)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (input.Length != (long)batch * InputSize)
        {
            throw new ArgumentException(
                $"{GetType().Name}: input has {input.Length} values; a batch of {batch} × {InputSize} features needs {(long)batch * InputSize}.",
                nameof(input));
        }

        if ((long)batch * OutputSize > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(batch), batch, $"{GetType().Name}: a batch of {batch} × {OutputSize} outputs needs {(long)batch * OutputSize} values, more than one array holds ({Array.MaxLength}).");
        }

        Batch = batch;
        Input = input;
        return ForwardCore(input.Span, batch, training);
    }

    /// <summary>Backpropagates the gradient of the loss with respect to the last output.</summary>
    /// <param name="outputGradient">Row-major <c>Batch × OutputSize</c>.</param>
    /// <param name="computeInputGradient">False skips the input gradient (the first layer's is never needed).</param>
    /// <returns>The gradient with respect to the input (empty when not computed).</returns>
    /// <exception cref="InvalidOperationException">No forward pass came first.</exception>
    /// <exception cref="ArgumentException">The gradient's length does not match the last output.</exception>
    public ReadOnlyMemory<T> Backward(ReadOnlyMemory<T> outputGradient, bool computeInputGradient = true)
    {
        if (Batch == 0)
        {
            throw new InvalidOperationException($"{GetType().Name}: Backward needs a Forward first.");
        }

        if (outputGradient.Length != (long)Batch * OutputSize)
        {
            throw new ArgumentException(
                $"{GetType().Name}: output gradient has {outputGradient.Length} values; the last batch of {Batch} × {OutputSize} needs {(long)Batch * OutputSize}.",
                nameof(outputGradient));
        }

        return BackwardCore(outputGradient.Span, computeInputGradient);
    }

    /// <summary>The forward computation; arguments are already checked and recorded.</summary>
    /// <param name="input">The input batch.</param>
    /// <param name="batch">Its rows.</param>
    /// <param name="training">Training mode.</param>
    /// <returns>The output.</returns>
    protected abstract ReadOnlyMemory<T> ForwardCore(ReadOnlySpan<T> input, int batch, bool training);

    /// <summary>The backward computation; arguments are already checked.</summary>
    /// <param name="outputGradient">∂L/∂output.</param>
    /// <param name="computeInputGradient">Whether ∂L/∂input is wanted.</param>
    /// <returns>∂L/∂input, or empty.</returns>
    protected abstract ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient);

    /// <summary>The output buffer for <paramref name="length"/> values (grown, never shrunk).</summary>
    /// <param name="length">Values needed.</param>
    /// <returns>A view of the first <paramref name="length"/> values.</returns>
    protected Memory<T> OutputBuffer(int length) => Grow(ref _output, length);

    /// <summary>The input-gradient buffer for <paramref name="length"/> values (grown, never shrunk).</summary>
    /// <param name="length">Values needed.</param>
    /// <returns>A view of the first <paramref name="length"/> values.</returns>
    protected Memory<T> InputGradientBuffer(int length) => Grow(ref _inputGradient, length);

    /// <summary>A scratch buffer grown to <paramref name="length"/> values.</summary>
    /// <param name="buffer">The buffer field.</param>
    /// <param name="length">Values needed.</param>
    /// <returns>A view of the first <paramref name="length"/> values.</returns>
    protected static Memory<T> Grow(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer.AsMemory(0, length);
    }
}

/// <summary>A named array of layer state (not trained by the optimizer), e.g. <c>running_mean1</c>.</summary>
/// <typeparam name="TElement">The element type.</typeparam>
/// <param name="Name">Unique name within the network.</param>
/// <param name="Values">The live storage (not a copy).</param>
public sealed record NamedArray<TElement>(string Name, TElement[] Values);
