using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Descent.NeuralNetworks;

/// <summary>The activation functions a <see cref="MultiLayerNet{T}"/> can use between its affine layers.</summary>
public enum Activation
{
    /// <summary><c>max(0, x)</c>, paired with He initialisation by the book.</summary>
    Relu,

    /// <summary><c>1 / (1 + e⁻ˣ)</c>, paired with Xavier initialisation by the book.</summary>
    Sigmoid,

    /// <summary><c>tanh x</c>.</summary>
    Tanh,
}

/// <summary>Element-wise kernels shared by the activation layers and the fused affine layer.</summary>
internal static class Activations
{
    /// <summary><c>dx = dy · [y &gt; 0]</c>; y is the ReLU's output, so y &gt; 0 exactly where x &gt; 0.</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
            var dyv = MemoryMarshal.Cast<T, Vector<T>>(dy);
            var dxv = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < yv.Length; v++)
            {
                dxv[v] = Vector.ConditionalSelect(Vector.GreaterThan(yv[v], Vector<T>.Zero), dyv[v], Vector<T>.Zero);
            }

            i = yv.Length * Vector<T>.Count;
        }

        for (; i < y.Length; i++)
        {
            dx[i] = y[i] > T.Zero ? dy[i] : T.Zero;
        }
    }
}

/// <summary>A layer applied element by element: its output has the input's size.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="size">Features per example; must be ≥ 1.</param>
public abstract class ElementwiseLayer<T>(int size) : Layer<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _size = size >= 1 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "size must be ≥ 1.");

    /// <inheritdoc/>
    public override int InputSize => _size;

    /// <inheritdoc/>
    public override int OutputSize => _size;
}

/// <summary>The rectified linear unit <c>y = max(0, x)</c>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="size">Features per example.</param>
public sealed class Relu<T>(int size) : ElementwiseLayer<T>(size)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> ForwardCore(ReadOnlySpan<T> input, int batch, bool training)
    {
        var y = OutputBuffer(input.Length);
        TensorPrimitives.Max(input, T.Zero, y.Span);
        return y;
    }

    // ∂y/∂x = 1 where x > 0, else 0 (PyTorch's choice at x = 0).
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient)
    {
        if (!computeInputGradient)
        {
            return ReadOnlyMemory<T>.Empty;
        }

        var dx = InputGradientBuffer(outputGradient.Length);
        Activations.ReluBackward<T>(OutputBuffer(outputGradient.Length).Span, outputGradient, dx.Span);
        return dx;
    }
}

/// <summary>The logistic sigmoid <c>y = 1 / (1 + e⁻ˣ)</c>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="size">Features per example.</param>
public sealed class Sigmoid<T>(int size) : ElementwiseLayer<T>(size)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> ForwardCore(ReadOnlySpan<T> input, int batch, bool training)
    {
        var y = OutputBuffer(input.Length);
        TensorPrimitives.Sigmoid(input, y.Span);
        return y;
    }

    // ∂y/∂x = y(1 − y).
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient)
    {
        if (!computeInputGradient)
        {
            return ReadOnlyMemory<T>.Empty;
        }

        var dx = InputGradientBuffer(outputGradient.Length);
        var d = dx.Span;
        ReadOnlySpan<T> y = OutputBuffer(outputGradient.Length).Span;
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = outputGradient[i] * y[i] * (T.One - y[i]);
        }

        return dx;
    }
}

/// <summary>The hyperbolic tangent <c>y = tanh x</c>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="size">Features per example.</param>
public sealed class Tanh<T>(int size) : ElementwiseLayer<T>(size)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> ForwardCore(ReadOnlySpan<T> input, int batch, bool training)
    {
        var y = OutputBuffer(input.Length);
        TensorPrimitives.Tanh(input, y.Span);
        return y;
    }

    // ∂y/∂x = 1 − y².
    /// <inheritdoc/>
    protected override ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient)
    {
        if (!computeInputGradient)
        {
            return ReadOnlyMemory<T>.Empty;
        }

        var dx = InputGradientBuffer(outputGradient.Length);
        var d = dx.Span;
        ReadOnlySpan<T> y = OutputBuffer(outputGradient.Length).Span;
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = outputGradient[i] * (T.One - (y[i] * y[i]));
        }

        return dx;
    }
}
