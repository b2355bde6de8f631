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
/// The loops: one pass over parameters, gradients and state, vector bodies first, then the scalar
/// reference for the remainder. Generic over the kernel struct, so each optimizer gets its own
/// specialised loop with no calls inside (the TensorPrimitives operator pattern).
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
        where TKernel : struct, IUpdate0<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => Loop<T, TKernel, Simd512<T>>(kernel, p, g),
            KernelPath.Vector256 => Loop<T, TKernel, Simd256<T>>(kernel, p, g),
            KernelPath.Vector128 => Loop<T, TKernel, Simd128<T>>(kernel, p, g),
            _ => 0,
        };
        for (; i < p.Length; i++)
        {
            p[i] = kernel.Scalar(p[i], g[i]);
        }
    }

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate1<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => Loop<T, TKernel, Simd512<T>>(kernel, p, g, a),
            KernelPath.Vector256 => Loop<T, TKernel, Simd256<T>>(kernel, p, g, a),
            KernelPath.Vector128 => Loop<T, TKernel, Simd128<T>>(kernel, p, g, a),
            _ => 0,
        };
        for (; i < p.Length; i++)
        {
            p[i] = kernel.Scalar(p[i], g[i], ref a[i]);
        }
    }

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate2<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => Loop<T, TKernel, Simd512<T>>(kernel, p, g, a, b),
            KernelPath.Vector256 => Loop<T, TKernel, Simd256<T>>(kernel, p, g, a, b),
            KernelPath.Vector128 => Loop<T, TKernel, Simd128<T>>(kernel, p, g, a, b),
            _ => 0,
        };
        for (; i < p.Length; i++)
        {
            p[i] = kernel.Scalar(p[i], g[i], ref a[i], ref b[i]);
        }
    }

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate3<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => Loop<T, TKernel, Simd512<T>>(kernel, p, g, a, b, c),
            KernelPath.Vector256 => Loop<T, TKernel, Simd256<T>>(kernel, p, g, a, b, c),
            KernelPath.Vector128 => Loop<T, TKernel, Simd128<T>>(kernel, p, g, a, b, c),
            _ => 0,
        };
        for (; i < p.Length; i++)
        {
            p[i] = kernel.Scalar(p[i], g[i], ref a[i], ref b[i], ref c[i]);
        }
    }

    public static void Run<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c, Span<T> d, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate4<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => Loop<T, TKernel, Simd512<T>>(kernel, p, g, a, b, c, d),
            KernelPath.Vector256 => Loop<T, TKernel, Simd256<T>>(kernel, p, g, a, b, c, d),
            KernelPath.Vector128 => Loop<T, TKernel, Simd128<T>>(kernel, p, g, a, b, c, d),
            _ => 0,
        };
        for (; i < p.Length; i++)
        {
            p[i] = kernel.Scalar(p[i], g[i], ref a[i], ref b[i], ref c[i], ref d[i]);
        }
    }

    /// <summary>θ ← f(θ, a, b) with a and b only read.</summary>
    public static void Apply<T, TKernel>(TKernel kernel, Span<T> p, ReadOnlySpan<T> a, ReadOnlySpan<T> b, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IApply2<T>
    {
        int i = Resolve(path) switch
        {
            KernelPath.Vector512 => ApplyLoop<T, TKernel, Simd512<T>>(kernel, p, a, b),
            KernelPath.Vector256 => ApplyLoop<T, TKernel, Simd256<T>>(kernel, p, a, b),
            KernelPath.Vector128 => ApplyLoop<T, TKernel, Simd128<T>>(kernel, p, a, b),
            _ => 0,
        };
        for (; i < p.Length; i++)
        {
            p[i] = kernel.Scalar(p[i], a[i], b[i]);
        }
    }

    private static int ApplyLoop<T, TKernel, TV>(TKernel kernel, Span<T> p, ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IApply2<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        for (; i <= p.Length - TV.Count; i += TV.Count)
        {
            TV vp = kernel.Simd(TV.Load(ref Unsafe.Add(ref rp, i)), TV.Load(ref Unsafe.Add(ref ra, i)), TV.Load(ref Unsafe.Add(ref rb, i)));
            TV.Store(vp, ref Unsafe.Add(ref rp, i));
        }

        return i;
    }

    private static int Loop<T, TKernel, TV>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate0<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rg = ref MemoryMarshal.GetReference(g);
        int i = 0;
        for (; i <= p.Length - TV.Count; i += TV.Count)
        {
            TV.Store(kernel.Simd(TV.Load(ref Unsafe.Add(ref rp, i)), TV.Load(ref Unsafe.Add(ref rg, i))), ref Unsafe.Add(ref rp, i));
        }

        return i;
    }

    private static int Loop<T, TKernel, TV>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate1<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rg = ref MemoryMarshal.GetReference(g);
        ref T ra = ref MemoryMarshal.GetReference(a);
        int i = 0;
        for (; i <= p.Length - TV.Count; i += TV.Count)
        {
            TV va = TV.Load(ref Unsafe.Add(ref ra, i));
            TV vp = kernel.Simd(TV.Load(ref Unsafe.Add(ref rp, i)), TV.Load(ref Unsafe.Add(ref rg, i)), ref va);
            TV.Store(va, ref Unsafe.Add(ref ra, i));
            TV.Store(vp, ref Unsafe.Add(ref rp, i));
        }

        return i;
    }

    private static int Loop<T, TKernel, TV>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate2<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rg = ref MemoryMarshal.GetReference(g);
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        int i = 0;
        for (; i <= p.Length - TV.Count; i += TV.Count)
        {
            TV va = TV.Load(ref Unsafe.Add(ref ra, i));
            TV vb = TV.Load(ref Unsafe.Add(ref rb, i));
            TV vp = kernel.Simd(TV.Load(ref Unsafe.Add(ref rp, i)), TV.Load(ref Unsafe.Add(ref rg, i)), ref va, ref vb);
            TV.Store(va, ref Unsafe.Add(ref ra, i));
            TV.Store(vb, ref Unsafe.Add(ref rb, i));
            TV.Store(vp, ref Unsafe.Add(ref rp, i));
        }

        return i;
    }

    private static int Loop<T, TKernel, TV>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate3<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rg = ref MemoryMarshal.GetReference(g);
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T rc = ref MemoryMarshal.GetReference(c);
        int i = 0;
        for (; i <= p.Length - TV.Count; i += TV.Count)
        {
            TV va = TV.Load(ref Unsafe.Add(ref ra, i));
            TV vb = TV.Load(ref Unsafe.Add(ref rb, i));
            TV vc = TV.Load(ref Unsafe.Add(ref rc, i));
            TV vp = kernel.Simd(TV.Load(ref Unsafe.Add(ref rp, i)), TV.Load(ref Unsafe.Add(ref rg, i)), ref va, ref vb, ref vc);
            TV.Store(va, ref Unsafe.Add(ref ra, i));
            TV.Store(vb, ref Unsafe.Add(ref rb, i));
            TV.Store(vc, ref Unsafe.Add(ref rc, i));
            TV.Store(vp, ref Unsafe.Add(ref rp, i));
        }

        return i;
    }

    private static int Loop<T, TKernel, TV>(TKernel kernel, Span<T> p, ReadOnlySpan<T> g, Span<T> a, Span<T> b, Span<T> c, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IUpdate4<T>
        where TV : unmanaged, ISimdVector<TV, T>
    {
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rg = ref MemoryMarshal.GetReference(g);
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T rc = ref MemoryMarshal.GetReference(c);
        ref T rd = ref MemoryMarshal.GetReference(d);
        int i = 0;
        for (; i <= p.Length - TV.Count; i += TV.Count)
        {
            TV va = TV.Load(ref Unsafe.Add(ref ra, i));
            TV vb = TV.Load(ref Unsafe.Add(ref rb, i));
            TV vc = TV.Load(ref Unsafe.Add(ref rc, i));
            TV vd = TV.Load(ref Unsafe.Add(ref rd, i));
            TV vp = kernel.Simd(TV.Load(ref Unsafe.Add(ref rp, i)), TV.Load(ref Unsafe.Add(ref rg, i)), ref va, ref vb, ref vc, ref vd);
            TV.Store(va, ref Unsafe.Add(ref ra, i));
            TV.Store(vb, ref Unsafe.Add(ref rb, i));
            TV.Store(vc, ref Unsafe.Add(ref rc, i));
            TV.Store(vd, ref Unsafe.Add(ref rd, i));
            TV.Store(vp, ref Unsafe.Add(ref rp, i));
        }

        return i;
    }
}
