using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Optimizers.Kernels;

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

/// <summary>
/// Element-wise kernels shared by the activation layers, the fused affine layer and value clipping, with a
/// scalar reference and one vector body per width like the optimizers' kernels.
/// </summary>
/// <remarks>
/// NaN must come out where it goes in (PyTorch's <c>relu(NaN)</c> is NaN): a diverging run has to show NaN in
/// its loss, not a plausible number. These are compares and selects, not a vector max: x86's <c>maxps</c>
/// returns its second operand when either is NaN, and <c>TensorPrimitives.Max</c> in .NET 10 returned 0 for
/// NaN in the lab whenever its code was first compiled on a thread with flush-to-zero on (tier-0 code; the
/// optimized re-compile was correct), so whether a run reported NaN depended on the JIT tier.
/// </remarks>
internal static class Activations
{
    /// <summary><c>y = max(0, x)</c> with NaN kept; <paramref name="x"/> and <paramref name="y"/> may be the same span.</summary>
    public static void ReluForward<T>(ReadOnlySpan<T> x, Span<T> y, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => ReluForward<T, Simd512<T>>(x, y),
            KernelPath.Vector256 => ReluForward<T, Simd256<T>>(x, y),
            KernelPath.Vector128 => ReluForward<T, Simd128<T>>(x, y),
            _ => 0,
        };
        for (; i < x.Length; i++)
        {
            y[i] = x[i] > T.Zero || T.IsNaN(x[i]) ? x[i] : T.Zero;
        }
    }

    /// <summary>
    /// <c>dx = dy</c> except where <c>y ≤ 0</c>, which gives 0: PyTorch's <c>threshold_backward</c>, so a NaN
    /// output passes its gradient on. y is the ReLU's output, so y &gt; 0 exactly where x &gt; 0.
    /// </summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => ReluBackward<T, Simd512<T>>(y, dy, dx),
            KernelPath.Vector256 => ReluBackward<T, Simd256<T>>(y, dy, dx),
            KernelPath.Vector128 => ReluBackward<T, Simd128<T>>(y, dy, dx),
            _ => 0,
        };
        for (; i < y.Length; i++)
        {
            dx[i] = y[i] <= T.Zero ? T.Zero : dy[i];
        }
    }

    /// <summary><c>x</c> clamped to [<paramref name="low"/>, <paramref name="high"/>] in place, NaN kept (<c>torch.clamp</c>).</summary>
    public static void Clamp<T>(Span<T> x, T low, T high, KernelPath path = KernelPath.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => Clamp<T, Simd512<T>>(x, low, high),
            KernelPath.Vector256 => Clamp<T, Simd256<T>>(x, low, high),
            KernelPath.Vector128 => Clamp<T, Simd128<T>>(x, low, high),
            _ => 0,
        };
        for (; i < x.Length; i++)
        {
            x[i] = x[i] < low ? low : x[i] > high ? high : x[i];
        }
    }

    private static KernelPath Resolve(KernelPath path) => path == KernelPath.Auto ? Elementwise.Best : path;

    private static int ReluForward<T, TV>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rx = ref MemoryMarshal.GetReference(x);
        ref T ry = ref MemoryMarshal.GetReference(y);
        TV zero = TV.Create(T.Zero);
        int i = 0;
        for (; i <= x.Length - TV.Count; i += TV.Count)
        {
            TV v = TV.Load(ref Unsafe.Add(ref rx, i));
            TV.Store(TV.Select(TV.IsNaN(v), v, TV.Select(TV.GreaterThan(v, zero), v, zero)), ref Unsafe.Add(ref ry, i));
        }

        return i;
    }

    private static int ReluBackward<T, TV>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T ry = ref MemoryMarshal.GetReference(y);
        ref T rdy = ref MemoryMarshal.GetReference(dy);
        ref T rdx = ref MemoryMarshal.GetReference(dx);
        TV zero = TV.Create(T.Zero);
        int i = 0;
        for (; i <= y.Length - TV.Count; i += TV.Count)
        {
            TV v = TV.Load(ref Unsafe.Add(ref ry, i));
            TV g = TV.Load(ref Unsafe.Add(ref rdy, i));
            TV.Store(TV.Select(TV.IsNaN(v), g, TV.Select(TV.GreaterThan(v, zero), g, zero)), ref Unsafe.Add(ref rdx, i));
        }

        return i;
    }

    private static int Clamp<T, TV>(Span<T> x, T low, T high)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rx = ref MemoryMarshal.GetReference(x);
        TV lo = TV.Create(low), hi = TV.Create(high);
        int i = 0;
        for (; i <= x.Length - TV.Count; i += TV.Count)
        {
            TV v = TV.Load(ref Unsafe.Add(ref rx, i));
            TV.Store(TV.Select(TV.LessThan(v, lo), lo, TV.Select(TV.GreaterThan(v, hi), hi, v)), ref Unsafe.Add(ref rx, i));
        }

        return i;
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

/// <summary>
/// An activation whose derivative is a function of its output (ReLU's, the sigmoid's and tanh's are), so backward
/// reads the output it kept rather than the input.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="size">Features per example.</param>
public abstract class OutputActivation<T>(int size) : ElementwiseLayer<T>(size)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    protected sealed override ReadOnlyMemory<T> ForwardCore(ReadOnlySpan<T> input, int batch, bool training)
    {
        var y = OutputBuffer(input.Length);
        Forward(input, y.Span);
        return y;
    }

    /// <inheritdoc/>
    protected sealed override ReadOnlyMemory<T> BackwardCore(ReadOnlySpan<T> outputGradient, bool computeInputGradient)
    {
        if (!computeInputGradient)
        {
            return ReadOnlyMemory<T>.Empty;
        }

        var dx = InputGradientBuffer(outputGradient.Length);
        Backward(OutputBuffer(outputGradient.Length).Span, outputGradient, dx.Span);
        return dx;
    }

    /// <summary>y = f(x).</summary>
    private protected abstract void Forward(ReadOnlySpan<T> x, Span<T> y);

    /// <summary>dx = dy · f′, with f′ written in terms of y.</summary>
    private protected abstract void Backward(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx);
}

/// <summary>The rectified linear unit <c>y = max(0, x)</c>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="size">Features per example.</param>
public sealed class Relu<T>(int size) : OutputActivation<T>(size)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private protected override void Forward(ReadOnlySpan<T> x, Span<T> y) => Activations.ReluForward(x, y);

    // ∂y/∂x = 1 where x > 0, else 0 (PyTorch's choice at x = 0).
    private protected override void Backward(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) => Activations.ReluBackward(y, dy, dx);
}

/// <summary>The logistic sigmoid <c>y = 1 / (1 + e⁻ˣ)</c>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="size">Features per example.</param>
public sealed class Sigmoid<T>(int size) : OutputActivation<T>(size)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private protected override void Forward(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Sigmoid(x, y);

    // ∂y/∂x = y(1 − y).
    private protected override void Backward(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            dx[i] = dy[i] * y[i] * (T.One - y[i]);
        }
    }
}

/// <summary>The hyperbolic tangent <c>y = tanh x</c>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <param name="size">Features per example.</param>
public sealed class Tanh<T>(int size) : OutputActivation<T>(size)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private protected override void Forward(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Tanh(x, y);

    // ∂y/∂x = 1 − y².
    private protected override void Backward(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
    {
        for (int i = 0; i < dx.Length; i++)
        {
            dx[i] = dy[i] * (T.One - (y[i] * y[i]));
        }
    }
}
