using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.NeuralNetworks;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Randomness;

namespace Descent.Cli.Bench;

/// <summary>How much work each part of <c>descent bench</c> does.</summary>
internal sealed record BenchSizes
{
    /// <summary>The full run: stable medians, as long as that takes.</summary>
    public static BenchSizes Full { get; } = new();

    /// <summary>Under a minute on a two-core machine: the same sizes, fewer repetitions.</summary>
    public static BenchSizes Quick { get; } = new()
    {
        Name = "quick",
        TriadRepetitions = 5,
        FmaIterations = MachineProbe.DefaultFmaIterations / 4,
        FmaRepetitions = 5,
        Warmups = 40,
        WarmupSeconds = 0.4,
        LargeWarmups = 3,
        LargeWarmupSeconds = 0.1,
        Repetitions = 5,
        TargetSeconds = 0.002,
    };

    /// <summary>Seconds-long sizes for the command's own tests; the numbers mean nothing.</summary>
    public static BenchSizes Tiny { get; } = new()
    {
        Name = "tiny",
        TriadLength = 1 << 14,
        TriadRepetitions = 2,
        FmaIterations = 10_000,
        FmaRepetitions = 2,
        OptimizerParameters = [64, 80],
        GemmSize = 48,
        Warmups = 1,
        WarmupSeconds = 0,
        LargeWarmups = 1,
        LargeWarmupSeconds = 0,
        Repetitions = 2,
        TargetSeconds = 0,
        CompareIterations = 3,
    };

    public string Name { get; init; } = "full";

    public int TriadLength { get; init; } = MachineProbe.DefaultTriadLength;

    public int TriadRepetitions { get; init; } = 11;

    public long FmaIterations { get; init; } = MachineProbe.DefaultFmaIterations;

    public int FmaRepetitions { get; init; } = 9;

    /// <summary>Shape of the one parameter every optimizer updates: 1000 × 10000 = 10M floats (a matrix, so Adafactor factors it).</summary>
    public int[] OptimizerParameters { get; init; } = [1000, 10_000];

    /// <summary>Edge of the square GEMM.</summary>
    public int GemmSize { get; init; } = 1024;

    /// <summary>
    /// Untimed calls before timing, at least this many and for at least <see cref="WarmupSeconds"/>: the JIT promotes
    /// a method to optimized code after 30 calls and a quiet 100 ms, and until then a kernel can run 10–20× slower.
    /// </summary>
    public int Warmups { get; init; } = 60;

    public double WarmupSeconds { get; init; } = 1.0;

    /// <summary>
    /// Warm-up of the 10M-parameter optimizer steps: their loops run long enough for on-stack replacement to switch
    /// them to optimized code within the first call, so a few calls suffice.
    /// </summary>
    public int LargeWarmups { get; init; } = 10;

    public double LargeWarmupSeconds { get; init; } = 0.5;

    public int Repetitions { get; init; } = 21;

    /// <summary>Short calls are repeated until one timed repetition lasts at least this long.</summary>
    public double TargetSeconds { get; init; } = 0.01;

    /// <summary>Iterations of <c>descent compare</c>'s MNIST part; null runs the command's own default (the book's 2000).</summary>
    public int? CompareIterations { get; init; }
}

/// <summary>Min, median and max of a timing, in milliseconds per call.</summary>
internal readonly record struct Timing(double Min, double Median, double Max);

/// <summary>
/// The measurements of <c>descent bench</c>. Every timed call is the library's own code (optimizer
/// <c>Step()</c>, <c>Gemm.Multiply</c>, <c>Network.ComputeGradients</c>, the compare command's runner);
/// nothing here reimplements a kernel.
/// </summary>
internal sealed class BenchRunner(BenchSizes sizes, TextWriter progress, Func<int?, double>? compare)
{
    /// <summary>The book's network, as the comparison trains it.</summary>
    public static readonly int[] BookHidden = [100, 100, 100, 100];

    public const int BookBatch = 128;

    public BenchReport Run()
    {
        // Flush-to-zero as in the lab (the library's default is off); scoped, so an in-process caller gets its thread back.
        using var flush = Denormals.IsSupported ? Denormals.Flush() : default(Denormals.FlushScope?);
        var report = new BenchReport
        {
            Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            Mode = sizes.Name,
            FlushToZero = Denormals.FlushToZero,
            Machine = Machine(),
        };
        report.Optimizers.AddRange(Optimizers(report.Machine));
        report.Gemm.AddRange(Gemms(report.Machine));
        report.TrainStep.AddRange(TrainSteps());
        if (compare is not null)
        {
            Say("compare: the MNIST part of descent compare (the book's four optimizers)…");
            report.CompareSeconds = compare(sizes.CompareIterations);
            report.CompareIterations = sizes.CompareIterations ?? 2000;
            Say(FormattableString.Invariant($"compare: {report.CompareSeconds:F1} s"));
        }

        return report;
    }

    private void Say(string line) => progress.WriteLine("bench: " + line);

    private MachineReport Machine()
    {
        Say("machine: STREAM triad, one thread and all…");
        var triad1 = MachineProbe.Triad(1, sizes.TriadLength, sizes.TriadRepetitions);
        var triadAll = MachineProbe.Triad(-1, sizes.TriadLength, sizes.TriadRepetitions);
        Say("machine: FMA peak, one core and all…");
        var fma1 = MachineProbe.FmaPeak(1, sizes.FmaIterations, sizes.FmaRepetitions);
        var fmaAll = MachineProbe.FmaPeak(-1, sizes.FmaIterations, sizes.FmaRepetitions);
        var machine = new MachineReport
        {
            Processor = ProcessorName(),
            ProcessorCount = Environment.ProcessorCount,
            Os = RuntimeInformation.OSDescription,
            Runtime = RuntimeInformation.FrameworkDescription,
            VectorBits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128,
            // Medians, not bests: on a shared machine one lucky or mis-timed repetition would set the yardstick.
            TriadGbps = triadAll.Median,
            TriadGbps1T = triad1.Median,
            FmaGflops1T = fma1.Median,
            FmaGflopsAll = fmaAll.Median,
            Probes =
            {
                ["triad_1t"] = Range(triad1),
                ["triad_all"] = Range(triadAll),
                ["fma_1t"] = Range(fma1),
                ["fma_all"] = Range(fmaAll),
            },
        };
        Say(FormattableString.Invariant(
            $"machine: triad {machine.TriadGbps:F1} GB/s ({machine.TriadGbps1T:F1} on one thread), FMA {machine.FmaGflopsAll:F0} GFLOP/s ({machine.FmaGflops1T:F0} on one core)"));
        return machine;
    }

    private static ProbeReport Range(ProbeRates rates) => new(rates.Worst, rates.Median, rates.Best, rates.Threads);

    private IEnumerable<OptimizerReport> Optimizers(MachineReport machine)
    {
        int[] shape = sizes.OptimizerParameters;
        int length = shape.Aggregate(1, (a, b) => checked(a * b));
        float[] values = new float[length];
        float[] gradients = new float[length];
        var random = new SeededRandom(1);
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(0.05 * random.NextStandardNormal());
            gradients[i] = (float)(0.01 * random.NextStandardNormal());
        }

        float[] initial = (float[])values.Clone();
        foreach (var info in OptimizerCatalog.All)
        {
            initial.CopyTo(values, 0);
            var parameter = new Parameter<float>("w", values, gradients, shape);
            var optimizer = info.Create<float>([parameter]);
            var timing = Measure(optimizer.Step, calls: 1, large: true);

            // Bytes the update must move at least: θ read and written, g read, each state tensor read and written.
            long stateElements = optimizer.SaveState().Parameters.Values.Sum(p => p.Buffers.Values.Sum(b => (long)b.Length));
            double bytesPerParameter = sizeof(float) * (3.0 + (2.0 * stateElements / length));
            double gbps = bytesPerParameter * length / (timing.Median * 1e-3) / 1e9;
            var row = new OptimizerReport
            {
                Name = info.Name,
                Convention = info.Convention.ToString(),
                Params = length,
                BytesPerParam = bytesPerParameter,
                Ms = timing.Median,
                MsMin = timing.Min,
                MsMax = timing.Max,
                Gbps = gbps,
                FractionOfBandwidth = gbps / machine.TriadGbps,
                FractionOfBandwidth1T = gbps / machine.TriadGbps1T,
            };
            Say(FormattableString.Invariant($"optimizer {row.Name}: {row.Ms:F2} ms, {row.Gbps:F1} GB/s ({row.FractionOfBandwidth:P0} of the triad)"));
            yield return row;
            GC.Collect();
        }
    }

    private IEnumerable<GemmReport> Gemms(MachineReport machine)
    {
        int s = sizes.GemmSize;
        int input = 784;
        (string Label, int M, int K, int N, bool TransposeA, bool TransposeB)[] shapes =
        [
            ($"{s}³", s, s, s, false, false),
            ("book forward 784→100", BookBatch, input, 100, false, false),
            ("book forward 100→100", BookBatch, 100, 100, false, false),
            ("book forward 100→10", BookBatch, 100, 10, false, false),
            ("book ∂W 784×100 (Xᵀ·dY)", input, BookBatch, 100, true, false),
            ("book ∂W 100×100 (Xᵀ·dY)", 100, BookBatch, 100, true, false),
            ("book ∂X 100→784 (dY·Wᵀ)", BookBatch, 100, input, false, true),
            ("book ∂X 100→100 (dY·Wᵀ)", BookBatch, 100, 100, false, true),
        ];
        var random = new SeededRandom(2);
        foreach (var (label, m, k, n, ta, tb) in shapes)
        {
            float[] a = Normal(random, m * k);
            float[] b = Normal(random, k * n);
            float[] c = new float[m * n];
            var timing = Measure(() => Gemm.Multiply<float>(a, b, c, m, k, n, ta, tb), calls: 0);
            int threads = (long)m * k * n >= Gemm.ParallelThreshold ? Environment.ProcessorCount : 1;
            double gflops = 2.0 * m * k * n / (timing.Median * 1e-3) / 1e9;
            double peak = threads == 1 ? machine.FmaGflops1T : machine.FmaGflopsAll;
            var row = new GemmReport
            {
                Label = label,
                M = m,
                K = k,
                N = n,
                TransposeA = ta,
                TransposeB = tb,
                Dtype = "float32",
                Threads = threads,
                Ms = timing.Median,
                MsMin = timing.Min,
                MsMax = timing.Max,
                Gflops = gflops,
                FractionOfPeak = gflops / peak,
            };
            Say(FormattableString.Invariant($"gemm {label}: {row.Gflops:F1} GFLOP/s ({row.FractionOfPeak:P0} of the {threads}-thread peak)"));
            yield return row;
        }
    }

    private IEnumerable<TrainStepReport> TrainSteps()
    {
        var random = new SeededRandom(3);
        float[] inputs = new float[BookBatch * 784];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        int[] labels = new int[BookBatch];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % 10;
        }

        string net = "784-" + string.Join('-', BookHidden) + "-10";
        foreach (string name in (string[])["SGD", "Adam"])
        {
            var network = new MultiLayerNet<float>(784, BookHidden, 10, random: new SeededRandom(0));
            var optimizer = OptimizerCatalog.Create<float>(name == "SGD" ? "sgd:lr=0.01" : "adam:lr=0.001", network.Parameters);
            var timing = Measure(
                () =>
                {
                    network.ComputeGradients(inputs, BookBatch, labels);
                    optimizer.Step();
                },
                calls: 0);
            var row = new TrainStepReport { Net = net, Batch = BookBatch, Optimizer = name, Dtype = "float32", Ms = timing.Median, MsMin = timing.Min, MsMax = timing.Max };
            Say(FormattableString.Invariant($"train step {net} batch {BookBatch} {name}: {row.Ms:F3} ms"));
            yield return row;
        }
    }

    private static float[] Normal(SeededRandom random, int length)
    {
        float[] data = new float[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextStandardNormal();
        }

        return data;
    }

    /// <summary>
    /// Times <paramref name="body"/>: warm-ups, then repetitions of <paramref name="calls"/> calls each (0: as many as
    /// fill <see cref="BenchSizes.TargetSeconds"/>, found from the warm-ups); returns milliseconds per call.
    /// </summary>
    private Timing Measure(Action body, int calls, bool large = false)
    {
        long warmupTicks = 0;
        long warmupStart = Stopwatch.GetTimestamp();
        int warmups = Math.Max(1, large ? sizes.LargeWarmups : sizes.Warmups);
        double warmupSeconds = large ? sizes.LargeWarmupSeconds : sizes.WarmupSeconds;
        for (int w = 0; w < warmups || Stopwatch.GetElapsedTime(warmupStart).TotalSeconds < warmupSeconds; w++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            warmupTicks = Stopwatch.GetTimestamp() - start;
        }

        if (calls <= 0)
        {
            double seconds = Math.Max(warmupTicks, 1) / (double)Stopwatch.Frequency;
            calls = (int)Math.Clamp(Math.Ceiling(sizes.TargetSeconds / seconds), 1, 100_000);
        }

        double[] ms = new double[Math.Max(1, sizes.Repetitions)];
        for (int r = 0; r < ms.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int c = 0; c < calls; c++)
            {
                body();
            }

            ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        }

        Array.Sort(ms);
        double median = ms.Length % 2 == 1 ? ms[ms.Length / 2] : 0.5 * (ms[(ms.Length / 2) - 1] + ms[ms.Length / 2]);
        return new Timing(ms[0], median, ms[^1]);
    }

    private static string ProcessorName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
            // The name is decoration; the numbers stand without it.
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
