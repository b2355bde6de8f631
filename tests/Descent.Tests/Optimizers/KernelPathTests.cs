using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers;

/// <summary>
/// The vector bodies against the scalar reference, bit for bit, for every length 0..257 (every tail and
/// several full vectors of every width), float and double, for every option combination with its own kernel.
/// </summary>
public class KernelPathTests
{
    /// <summary>One specification per distinct kernel (and the option folds that feed it).</summary>
    public static TheoryData<string> Kernels =>
    [
        "sgd:lr=0.1",
        "sgd:lr=0.1,weight_decay=0.1,maximize=true",
        "sgd:lr=0.1,momentum=0.9,dampening=0.3,weight_decay=0.05",
        "sgd:lr=0.1,momentum=0.9,nesterov=true,maximize=true",
        "adagrad:lr=0.5",
        "adagrad:lr=0.5,lr_decay=0.05,weight_decay=0.1,initial_accumulator_value=0.1,eps=0.01,maximize=true",
        "rmsprop:lr=0.01",
        "rmsprop:lr=0.01,centered=true,weight_decay=0.1",
        "rmsprop:lr=0.01,momentum=0.5,maximize=true",
        "rmsprop:lr=0.01,centered=true,momentum=0.5,alpha=0.9",
        "adam:lr=0.1",
        "adam:lr=0.1,amsgrad=true,weight_decay=0.1",
        "adam:lr=0.1,maximize=true,eps=0.001,weight_decay=0.1,decoupled_weight_decay=true",
        "adamw:lr=0.1,amsgrad=true",
        "nadam:lr=0.1",
        "nadam:lr=0.1,weight_decay=0.1,decoupled_weight_decay=true,maximize=true",
        "nadam:lr=0.1,weight_decay=0.1",
        "radam:lr=0.1",
        "radam:lr=0.1,weight_decay=0.1,decoupled_weight_decay=true,maximize=true",
        "adamax:lr=0.1,weight_decay=0.1",
        "adadelta:lr=1.0,weight_decay=0.1,maximize=true",
        "rprop:lr=0.05",
        "rprop:lr=0.05,maximize=true,etas=[0.3,1.5],step_sizes=[0.01,0.2]",
        "asgd:lr=0.05",
        "asgd:lr=0.05,t0=3,weight_decay=0.1,maximize=true",
        "lion:lr=0.01",
        "lion:lr=0.01,b1=0.5,b2=0.9,weight_decay=0.1",
        "lamb:lr=0.05",
        "lamb:lr=0.05,weight_decay=0.1,eps_root=1e-4,eps=1e-3",
        "adabelief:lr=0.05",
        "adabelief:lr=0.05,betas=[0.5,0.9],eps=1e-3,eps_root=1e-6",
        "yogi:lr=0.05",
        "yogi:lr=0.05,eps_root=1e-6,initial_accumulator_value=0.5,eps=1e-8",
        "schedule-free-adamw:lr=0.05",
        "schedule-free-adamw:lr=0.05,warmup_steps=3,weight_decay=0.1,b1=0.8,b2=0.99",
        "schedule-free-sgd:lr=0.05,weight_decay=0.1,warmup_steps=2",
        "prodigy:lr=1.0",
        "prodigy:lr=0.5,weight_decay=0.1,safeguard_warmup=true,beta3=0.9",
        "dadapt-adamw:lr=1.0",
        "dadapt-adamw:lr=1.0,weight_decay=0.1,eps=1e-3",
        "adopt:lr=0.05",
        "adopt:lr=0.05,nesterov=true,use_clipping=false",
        "ademamix:lr=0.05",
        "ademamix:lr=0.05,b3=0.99,alpha=2,weight_decay=0.1,eps_root=1e-6",
        "adan:lr=0.05",
        "adan:lr=0.05,weight_decay=0.1,eps_root=0",
        "madgrad:lr=0.05",
        "madgrad:lr=0.05,weight_decay=0.1,momentum=0.5",
        "lars:lr=1.0",
        "lars:lr=1.0,weight_decay=0.1,nesterov=true,eps=1e-3",
        "lars:lr=0.1,trust_ratio=false",
        "novograd:lr=0.01",
        "novograd:lr=0.01,weight_decay=0.1,eps_root=1e-4",
        "sm3:lr=0.1",
        "fromage:lr=0.01",
        "optax.amsgrad:lr=0.05",
        "optax.amsgrad:lr=0.05,eps_root=1e-6",
        "optax.adafactor:lr=0.05",
        "optax.adafactor:lr=0.05,momentum=0.9,weight_decay_rate=0.01,ClippingThreshold=None,multiply_by_parameter_scale=false",
        "book-sgd:lr=0.1",
        "book-momentum:lr=0.1",
        "book-nesterov:lr=0.1",
        "book-adagrad:lr=0.5",
        "book-rmsprop:lr=0.1",
        "book-adam:lr=0.1",
    ];

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Vectorized_MatchesScalar_ForAllLengths_Double(string specification) => Sweep<double>(specification);

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Vectorized_MatchesScalar_ForAllLengths_Float(string specification) => Sweep<float>(specification);

    [Theory]
    [InlineData(nameof(KernelPath.Scalar), 0)]
    [InlineData(nameof(KernelPath.Vector128), 16)]
    [InlineData(nameof(KernelPath.Vector256), 32)]
    [InlineData(nameof(KernelPath.Vector512), 64)]
    public void ForcedPath_RunsThatWidth_AndTheScalarTail(string path, int bytes)
    {
        AssertRunsWidth<float>(Enum.Parse<KernelPath>(path), bytes);
        AssertRunsWidth<double>(Enum.Parse<KernelPath>(path), bytes);
    }

    [Fact]
    public void Auto_RunsTheWidestWidthTheProcessorAccelerates()
    {
        // Facts about the processor, not Elementwise.Best's own test: .NET accelerates 512-bit vectors only where
        // it judges AVX-512 worth it, 256-bit ones wherever AVX2 runs, and 128-bit ones on every x64 and ARM64.
        int bytes = Vector512.IsHardwareAccelerated ? 64
            : Avx2.IsSupported ? 32
            : Sse2.IsSupported || AdvSimd.IsSupported ? 16
            : 0;
        AssertRunsWidth<float>(KernelPath.Auto, bytes);
        AssertRunsWidth<double>(KernelPath.Auto, bytes);
    }

    /// <summary>Runs a probe kernel over 100 elements and checks which vector width ran and that the tail was scalar.</summary>
    private static void AssertRunsWidth<T>(KernelPath path, int bytes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Length = 100;
        var probe = new Probe<T>(new StrongBox<int>(), new StrongBox<int>());
        Elementwise.Run(probe, new T[Length], new T[Length], path);
        int lanes = bytes / Unsafe.SizeOf<T>();
        Assert.Equal(lanes, probe.Lanes.Value);
        Assert.Equal(lanes == 0 ? Length : Length % lanes, probe.ScalarCalls.Value);
    }

    private static void Sweep<T>(string specification)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Eight steps: RAdam switches to its rectified branch at step 6, ASGD (t0 = 3) starts averaging at step 5.
        const int Steps = 8;
        for (int length = 0; length <= 257; length++)
        {
            var reference = Run<T>(specification, length, Steps, KernelPath.Scalar);
            foreach (var path in (KernelPath[])[KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512, KernelPath.Auto])
            {
                var other = Run<T>(specification, length, Steps, path);
                for (int k = 0; k < reference.Length; k++)
                {
                    if (!MemoryMarshal.AsBytes(reference[k].AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(other[k].AsSpan())))
                    {
                        int at = Enumerable.Range(0, reference[k].Length).First(i => !reference[k][i].Equals(other[k][i]));
                        Assert.Fail($"{specification} ({typeof(T).Name}), length {length}, {path}: array {k} differs at {at}: {reference[k][at]} vs {other[k][at]}");
                    }
                }
            }
        }
    }

    /// <summary>Runs the optimizer and returns the parameters followed by every state buffer.</summary>
    private static T[][] Run<T>(string specification, int length, int steps, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(length + 17);
        T[] values = [.. Enumerable.Range(0, length).Select(_ => T.CreateTruncating((random.NextDouble() * 4) - 2))];
        var parameter = new Parameter<T>("w", values);
        var optimizer = OptimizerCatalog.Create(specification, [parameter]);
        PyTorchGoldenTests.Pin(optimizer, path);
        var gradient = parameter.Gradient.Span;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < length; i++)
            {
                // Mostly a pull towards 0.3 plus noise, with exact zeros and sign flips (Rprop's three cases).
                int kind = random.Next(8);
                gradient[i] = kind == 0 ? T.Zero : T.CreateTruncating((double.CreateTruncating(values[i]) - 0.3) + (random.NextDouble() - 0.5));
            }

            optimizer.Step();
        }

        var state = optimizer.SaveState();
        return [values, .. state.Parameters["w"].Buffers.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => b.Value)];
    }

    /// <summary>Records the lane count of the vector body that ran and how many elements the scalar body took.</summary>
    private readonly struct Probe<T>(StrongBox<int> lanes, StrongBox<int> scalarCalls) : IUpdate0<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public StrongBox<int> Lanes => lanes;

        public StrongBox<int> ScalarCalls => scalarCalls;

        public T Scalar(T p, T g)
        {
            scalarCalls.Value++;
            return p;
        }

        public TV Simd<TV>(TV p, TV g)
            where TV : unmanaged, ISimdVector<TV, T>
        {
            lanes.Value = TV.Count;
            return p;
        }
    }
}
