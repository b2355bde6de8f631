using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Descent.Optimizers.Kernels;

/// <summary>Which loop runs an element-wise update; tests pin each one, users get <see cref="Auto"/>.</summary>
internal enum KernelPath
{
    /// <summary>The widest vector width the hardware accelerates.</summary>
    Auto,

    /// <summary>The scalar reference only (the update as the paper writes it).</summary>
    Scalar,

    /// <summary>128-bit vectors (SSE2, ARM64 AdvSIMD), the scalar reference for the tail.</summary>
    Vector128,

    /// <summary>256-bit vectors (emulated where not accelerated), the scalar reference for the tail.</summary>
    Vector256,

    /// <summary>512-bit vectors (emulated where not accelerated), the scalar reference for the tail.</summary>
    Vector512,
}

// An update kernel is a small struct holding the step's scalars (computed once per step, outside the loop)
// with two bodies: the scalar reference, written like the paper, and one vector body (`Simd`) written once
// against ISimdVector. The two must agree to the last bit (tests sweep lengths 0..257), so vector bodies use the
// same operations in the same order and never fuse multiply-adds. The arity is the number of state tensors.

/// <summary>An update with no state: θ ← f(θ, g).</summary>
internal interface IUpdate0<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Scalar(T p, T g);

    TV Simd<TV>(TV p, TV g) where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>An update with one state tensor.</summary>
internal interface IUpdate1<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Scalar(T p, T g, ref T a);

    TV Simd<TV>(TV p, TV g, ref TV a) where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>An update with two state tensors.</summary>
internal interface IUpdate2<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Scalar(T p, T g, ref T a, ref T b);

    TV Simd<TV>(TV p, TV g, ref TV a, ref TV b) where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>An update with three state tensors.</summary>
internal interface IUpdate3<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Scalar(T p, T g, ref T a, ref T b, ref T c);

    TV Simd<TV>(TV p, TV g, ref TV a, ref TV b, ref TV c) where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>An update with four state tensors (Adan keeps three moments and the previous gradient).</summary>
internal interface IUpdate4<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Scalar(T p, T g, ref T a, ref T b, ref T c, ref T d);

    TV Simd<TV>(TV p, TV g, ref TV a, ref TV b, ref TV c, ref TV d) where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>A pass that updates θ alone from two read-only tensors (a second pass over the moments a first pass wrote).</summary>
internal interface IApply2<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Scalar(T p, T a, T b);

    TV Simd<TV>(TV p, TV a, TV b) where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>
/// The loop: one pass over parameters, gradients and state, vector bodies first, then the scalar reference for the
/// remainder. Generic over the kernel struct, so each optimizer gets its own specialised loop (the TensorPrimitives
/// operator pattern); each arity only says, in its <see cref="IElementStep{T, TKernel}"/>, what to load and store at element i.
/// </summary>
internal static class Elementwise
{
    /// <summary>The path <see cref="KernelPath.Auto"/> resolves to on this machine.</summary>
    public static KernelPath Best { get; } =
        Simd512<float>.IsHardwareAccelerated ? KernelPath.Vector512
        : Simd256<float>.IsHardwareAccelerated ? KernelPath.Vector256
        : Simd128<float>.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    /// <summary><paramref name="path"/>, with <see cref="KernelPath.Auto"/> replaced by <see cref="Best"/>.</summary>
    public static KernelPath Resolve(KernelPath path) => path == KernelPath.Auto ? Best : path;

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate0<T> =>
        Drive<T, TKernel, ElementSteps<T>.Update0<TKernel>>(kernel, new(p, g), path);

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate1<T> =>
        Drive<T, TKernel, ElementSteps<T>.Update1<TKernel>>(kernel, new(p, g, a), path);

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate2<T> =>
        Drive<T, TKernel, ElementSteps<T>.Update2<TKernel>>(kernel, new(p, g, a, b), path);

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate3<T> =>
        Drive<T, TKernel, ElementSteps<T>.Update3<TKernel>>(kernel, new(p, g, a, b, c), path);

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c, Span<T> d, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate4<T> =>
        Drive<T, TKernel, ElementSteps<T>.Update4<TKernel>>(kernel, new(p, g, a, b, c, d), path);

    /// <summary>θ ← f(θ, a, b) with a and b only read.</summary>
    public static void Apply<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> a, ReadOnlySpan<T> b, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IApply2<T> =>
        Drive<T, TKernel, ElementSteps<T>.Apply2<TKernel>>(kernel, new(p, a, b), path);

    private static void Drive<T, TKernel, TStep>(TKernel kernel, Tensors<T> tensors, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct
        where TStep : IElementStep<T, TKernel>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => VectorLoop<T, TKernel, TStep, Simd512<T>>(kernel, tensors),
            KernelPath.Vector256 => VectorLoop<T, TKernel, TStep, Simd256<T>>(kernel, tensors),
            KernelPath.Vector128 => VectorLoop<T, TKernel, TStep, Simd128<T>>(kernel, tensors),
            _ => 0,
        };
        for (; i < tensors.Length; i++)
        {
            TStep.Scalar(ref kernel, tensors, i);
        }
    }

    // Kernel and tensors come apart and by value, as the per-arity loops took their spans: where the JIT does not
    // inline the kernel's body, the call takes the kernel's address but not the tensors', and the bases stay in registers.
    private static int VectorLoop<T, TKernel, TStep, TV>(TKernel kernel, Tensors<T> tensors)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct
        where TStep : IElementStep<T, TKernel>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        int i = 0;
        for (; i <= tensors.Length - TV.Count; i += TV.Count)
        {
            TStep.Simd<TV>(ref kernel, tensors, i);
        }

        return i;
    }
}

/// <summary>
/// θ and the tensors read and written with it, each held by its first element: g (or an update's first read-only
/// tensor) and up to four state tensors, all of θ's length.
/// </summary>
internal readonly ref struct Tensors<T>
{
    public readonly ref T P;
    public readonly ref T G;
    public readonly ref T A;
    public readonly ref T B;
    public readonly ref T C;
    public readonly ref T D;
    public readonly int Length;

    public Tensors(Span<T> p, ReadOnlySpan<T> g, Span<T> a = default, Span<T> b = default, Span<T> c = default, Span<T> d = default)
    {
        P = ref MemoryMarshal.GetReference(p);
        G = ref MemoryMarshal.GetReference(g);
        A = ref MemoryMarshal.GetReference(a);
        B = ref MemoryMarshal.GetReference(b);
        C = ref MemoryMarshal.GetReference(c);
        D = ref MemoryMarshal.GetReference(d);
        Length = p.Length;
    }

    /// <summary>θ with two read-only tensors (<see cref="IApply2{T}"/>), held as G and A.</summary>
    public Tensors(Span<T> p, ReadOnlySpan<T> first, ReadOnlySpan<T> second)
        : this(p, first) => A = ref MemoryMarshal.GetReference(second);
}

/// <summary>
/// One arity's element step in <see cref="Elementwise"/>'s loop: element i through the kernel's scalar reference, or
/// <c>TV.Count</c> elements from i through its vector body, with what the kernel changed stored back.
/// </summary>
internal interface IElementStep<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct
{
    static abstract void Scalar(ref TKernel kernel, in Tensors<T> t, int i);

    static abstract void Simd<TV>(ref TKernel kernel, in Tensors<T> t, int i)
        where TV : unmanaged, ISimdVector<TV, T>;
}

/// <summary>Element i of a tensor held by its first element, as a scalar or as the vector that starts there.</summary>
internal static class Lanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T At<T>(ref T start, int i) => ref Unsafe.Add(ref start, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<T, TV>(ref T start, int i)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISimdVector<TV, T> => TV.Load(in Unsafe.Add(ref start, i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T, TV>(TV value, ref T start, int i)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : unmanaged, ISimdVector<TV, T> => TV.Store(value, ref Unsafe.Add(ref start, i));
}

/// <summary>
/// The element steps of <see cref="Elementwise"/>, one per kernel arity. The vector step loads the state into
/// temporaries (the kernel works in registers) and stores them back after θ; the temporaries are not zeroed first
/// (each is loaded before the kernel reads it, and where the kernel is not inlined the zeroing would be redone on
/// every iteration).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
[SkipLocalsInit]
internal static class ElementSteps<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>θ ← f(θ, g).</summary>
    public readonly struct Update0<TKernel> : IElementStep<T, TKernel>
        where TKernel : struct, IUpdate0<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Simd<TV>(ref TKernel kernel, in Tensors<T> t, int i)
            where TV : unmanaged, ISimdVector<TV, T> =>
            Lanes.Store(kernel.Simd(Lanes.Load<T, TV>(ref t.P, i), Lanes.Load<T, TV>(ref t.G, i)), ref t.P, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Scalar(ref TKernel kernel, in Tensors<T> t, int i) =>
            Lanes.At(ref t.P, i) = kernel.Scalar(Lanes.At(ref t.P, i), Lanes.At(ref t.G, i));
    }

    /// <summary>θ and one state tensor from g.</summary>
    public readonly struct Update1<TKernel> : IElementStep<T, TKernel>
        where TKernel : struct, IUpdate1<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Simd<TV>(ref TKernel kernel, in Tensors<T> t, int i)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            TV a = Lanes.Load<T, TV>(ref t.A, i);
            Lanes.Store(kernel.Simd(Lanes.Load<T, TV>(ref t.P, i), Lanes.Load<T, TV>(ref t.G, i), ref a), ref t.P, i);
            Lanes.Store(a, ref t.A, i);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Scalar(ref TKernel kernel, in Tensors<T> t, int i) =>
            Lanes.At(ref t.P, i) = kernel.Scalar(Lanes.At(ref t.P, i), Lanes.At(ref t.G, i), ref Lanes.At(ref t.A, i));
    }

    /// <summary>θ and two state tensors from g (the Adam family's m and v).</summary>
    public readonly struct Update2<TKernel> : IElementStep<T, TKernel>
        where TKernel : struct, IUpdate2<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Simd<TV>(ref TKernel kernel, in Tensors<T> t, int i)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            TV a = Lanes.Load<T, TV>(ref t.A, i), b = Lanes.Load<T, TV>(ref t.B, i);
            Lanes.Store(kernel.Simd(Lanes.Load<T, TV>(ref t.P, i), Lanes.Load<T, TV>(ref t.G, i), ref a, ref b), ref t.P, i);
            Lanes.Store(a, ref t.A, i);
            Lanes.Store(b, ref t.B, i);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Scalar(ref TKernel kernel, in Tensors<T> t, int i) =>
            Lanes.At(ref t.P, i) = kernel.Scalar(Lanes.At(ref t.P, i), Lanes.At(ref t.G, i), ref Lanes.At(ref t.A, i), ref Lanes.At(ref t.B, i));
    }

    /// <summary>θ and three state tensors from g.</summary>
    public readonly struct Update3<TKernel> : IElementStep<T, TKernel>
        where TKernel : struct, IUpdate3<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Simd<TV>(ref TKernel kernel, in Tensors<T> t, int i)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            TV a = Lanes.Load<T, TV>(ref t.A, i), b = Lanes.Load<T, TV>(ref t.B, i), c = Lanes.Load<T, TV>(ref t.C, i);
            Lanes.Store(kernel.Simd(Lanes.Load<T, TV>(ref t.P, i), Lanes.Load<T, TV>(ref t.G, i), ref a, ref b, ref c), ref t.P, i);
            Lanes.Store(a, ref t.A, i);
            Lanes.Store(b, ref t.B, i);
            Lanes.Store(c, ref t.C, i);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Scalar(ref TKernel kernel, in Tensors<T> t, int i) =>
            Lanes.At(ref t.P, i) = kernel.Scalar(Lanes.At(ref t.P, i), Lanes.At(ref t.G, i), ref Lanes.At(ref t.A, i), ref Lanes.At(ref t.B, i), ref Lanes.At(ref t.C, i));
    }

    /// <summary>θ and four state tensors from g (Adan).</summary>
    public readonly struct Update4<TKernel> : IElementStep<T, TKernel>
        where TKernel : struct, IUpdate4<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Simd<TV>(ref TKernel kernel, in Tensors<T> t, int i)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            TV a = Lanes.Load<T, TV>(ref t.A, i), b = Lanes.Load<T, TV>(ref t.B, i), c = Lanes.Load<T, TV>(ref t.C, i), d = Lanes.Load<T, TV>(ref t.D, i);
            Lanes.Store(kernel.Simd(Lanes.Load<T, TV>(ref t.P, i), Lanes.Load<T, TV>(ref t.G, i), ref a, ref b, ref c, ref d), ref t.P, i);
            Lanes.Store(a, ref t.A, i);
            Lanes.Store(b, ref t.B, i);
            Lanes.Store(c, ref t.C, i);
            Lanes.Store(d, ref t.D, i);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Scalar(ref TKernel kernel, in Tensors<T> t, int i) =>
            Lanes.At(ref t.P, i) = kernel.Scalar(
                Lanes.At(ref t.P, i), Lanes.At(ref t.G, i), ref Lanes.At(ref t.A, i), ref Lanes.At(ref t.B, i), ref Lanes.At(ref t.C, i), ref Lanes.At(ref t.D, i));
    }

    /// <summary>θ alone, from two tensors it only reads.</summary>
    public readonly struct Apply2<TKernel> : IElementStep<T, TKernel>
        where TKernel : struct, IApply2<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Simd<TV>(ref TKernel kernel, in Tensors<T> t, int i)
            where TV : unmanaged, ISimdVector<TV, T> =>
            Lanes.Store(kernel.Simd(Lanes.Load<T, TV>(ref t.P, i), Lanes.Load<T, TV>(ref t.G, i), Lanes.Load<T, TV>(ref t.A, i)), ref t.P, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Scalar(ref TKernel kernel, in Tensors<T> t, int i) =>
            Lanes.At(ref t.P, i) = kernel.Scalar(Lanes.At(ref t.P, i), Lanes.At(ref t.G, i), Lanes.At(ref t.A, i));
    }
}
