using System.Numerics;

namespace Descent.NeuralNetworks;

/// <summary>
/// Softmax followed by cross-entropy, averaged over the batch: PyTorch's <c>F.cross_entropy</c> (mean
/// reduction), the book's SoftmaxWithLoss. Evaluated as <c>log Σ e^(x − max) − (x_label − max)</c>, so
/// large logits neither overflow nor lose the loss to rounding.
/// </summary>
/// <remarks>
/// The book computes <c>−log(p + 1e-7)</c>; the exact log-softmax here follows PyTorch instead, which is
/// what the reference trajectories were recorded with. The gradient is computed with the loss, so
/// <see cref="Backward"/> only hands it out.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class SoftmaxWithLoss<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _probabilities = [];
    private T[] _gradient = [];
    private int _length;

    /// <summary>Creates the loss for <paramref name="classes"/> classes.</summary>
    /// <param name="classes">Logits per example, ≥ 1.</param>
    public SoftmaxWithLoss(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        Classes = classes;
    }

    /// <summary>Logits per example.</summary>
    public int Classes { get; }

    /// <summary>The softmax of the last forward batch, row-major.</summary>
    public ReadOnlySpan<T> Probabilities => _probabilities.AsSpan(0, _length);

    /// <summary>Mean cross-entropy of integer class labels.</summary>
    /// <param name="logits">Row-major <c>batch × Classes</c>.</param>
    /// <param name="batch">Rows, ≥ 1.</param>
    /// <param name="labels">One class index in [0, Classes) per row.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">Lengths do not match or a label is out of range.</exception>
    public T Forward(ReadOnlySpan<T> logits, int batch, ReadOnlySpan<int> labels)
    {
        CheckLogits(logits, batch);
        if (labels.Length != batch)
        {
            throw new ArgumentException($"Got {labels.Length} labels for a batch of {batch}.", nameof(labels));
        }

        foreach (int label in labels)
        {
            if ((uint)label >= (uint)Classes)
            {
                throw new ArgumentException($"Label {label} is outside [0, {Classes}).", nameof(labels));
            }
        }

        Buffers(batch, out var p, out var g);
        T total = T.Zero;
        T scale = T.One / T.CreateTruncating(batch);
        for (int r = 0; r < batch; r++)
        {
            int o = r * Classes;
            T logSum = Softmax(logits.Slice(o, Classes), p.Slice(o, Classes), out T max);
            int label = labels[r];
            total += logSum - (logits[o + label] - max);

            // ∂L/∂x = (softmax − onehot) / batch.
            for (int j = 0; j < Classes; j++)
            {
                g[o + j] = (p[o + j] - (j == label ? T.One : T.Zero)) * scale;
            }
        }

        return total / T.CreateTruncating(batch);
    }

    /// <summary>Mean cross-entropy of target distributions (one-hot rows, or soft labels summing to 1).</summary>
    /// <param name="logits">Row-major <c>batch × Classes</c>.</param>
    /// <param name="batch">Rows, ≥ 1.</param>
    /// <param name="targets">Row-major <c>batch × Classes</c> probabilities.</param>
    /// <returns>The loss <c>−(1/N) Σ t·log softmax(x)</c>.</returns>
    /// <exception cref="ArgumentException">Lengths do not match.</exception>
    public T Forward(ReadOnlySpan<T> logits, int batch, ReadOnlySpan<T> targets)
    {
        CheckLogits(logits, batch);
        if (targets.Length != logits.Length)
        {
            throw new ArgumentException($"Got {targets.Length} target values; a batch of {batch} × {Classes} needs {logits.Length}.", nameof(targets));
        }

        Buffers(batch, out var p, out var g);
        T total = T.Zero;
        T scale = T.One / T.CreateTruncating(batch);
        for (int r = 0; r < batch; r++)
        {
            int o = r * Classes;
            T logSum = Softmax(logits.Slice(o, Classes), p.Slice(o, Classes), out T max);
            T targetMass = T.Zero;
            for (int j = 0; j < Classes; j++)
            {
                T t = targets[o + j];
                if (t != T.Zero)
                {
                    total -= t * (logits[o + j] - max - logSum);
                }

                targetMass += t;
            }

            // ∂L/∂x = (softmax·Σt − t) / batch, which is (softmax − t)/batch for a distribution.
            for (int j = 0; j < Classes; j++)
            {
                g[o + j] = ((p[o + j] * targetMass) - targets[o + j]) * scale;
            }
        }

        return total / T.CreateTruncating(batch);
    }

    /// <summary>∂loss/∂logits of the last forward batch, row-major.</summary>
    /// <returns>The gradient, valid until the next forward call.</returns>
    /// <exception cref="InvalidOperationException">No forward pass came first.</exception>
    public ReadOnlyMemory<T> Backward() => _length == 0
        ? throw new InvalidOperationException("SoftmaxWithLoss.Backward needs a Forward first.")
        : _gradient.AsMemory(0, _length);

    private void CheckLogits(ReadOnlySpan<T> logits, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (logits.Length != (long)batch * Classes)
        {
            throw new ArgumentException($"Got {logits.Length} logits; a batch of {batch} × {Classes} classes needs {(long)batch * Classes}.", nameof(logits));
        }
    }

    private void Buffers(int batch, out Span<T> probabilities, out Span<T> gradient)
    {
        _length = batch * Classes;
        if (_probabilities.Length < _length)
        {
            _probabilities = new T[_length];
            _gradient = new T[_length];
        }

        probabilities = _probabilities.AsSpan(0, _length);
        gradient = _gradient.AsSpan(0, _length);
    }

    /// <summary>Writes softmax(x) to p; returns log Σ e^(x − max) and the max.</summary>
    private static T Softmax(ReadOnlySpan<T> x, Span<T> p, out T max)
    {
        max = x[0];
        for (int j = 1; j < x.Length; j++)
        {
            max = T.Max(max, x[j]);
        }

        T sum = T.Zero;
        for (int j = 0; j < x.Length; j++)
        {
            p[j] = T.Exp(x[j] - max);
            sum += p[j];
        }

        T inverse = T.One / sum;
        for (int j = 0; j < x.Length; j++)
        {
            p[j] *= inverse;
        }

        return T.Log(sum);
    }
}
