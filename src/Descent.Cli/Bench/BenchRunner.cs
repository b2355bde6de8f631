using System.Diagnostics;
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

    /// <summary>A minute or two on a quiet two-core machine: the same sizes, fewer repetitions, scaling by decades.</summary>
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
        ScalingParameters = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000],
        ScalingBatches = [16, 64, 256, 1024],
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
        MuonShapes = [[64, 80], [80, 32]],
        GemmSize = 48,
        Warmups = 1,
        WarmupSeconds = 0,
        LargeWarmups = 1,
        LargeWarmupSeconds = 0,
        Repetitions = 2,
        TargetSeconds = 0,
        ScalingParameters = [1_000, 3_000],
        ScalingBatches = [16, 32],
        CompareIterations = 3,
    };

    public string Name { get; init; } = "full";

    public int TriadLength { get; init; } = MachineProbe.DefaultTriadLength;

    public int TriadRepetitions { get; init; } = 11;

    public long FmaIterations { get; init; } = MachineProbe.DefaultFmaIterations;

    public int FmaRepetitions { get; init; } = 9;

    /// <summary>Shape of the one parameter every optimizer updates: 1000 × 10000 = 10M floats (a matrix, so Adafactor factors it).</summary>
    public int[] OptimizerParameters { get; init; } = [1000, 10_000];

    /// <summary>
    /// The matrices Muon's Newton–Schulz step is timed on (its row in the optimizer table uses the first): a 10M-element
    /// matrix would take seconds per step, and Muon's cost is the GEMMs, not the bytes.
    /// </summary>
    public int[][] MuonShapes { get; init; } = [[1024, 1024], [4096, 1024]];

    /// <summary>Timed Muon steps per shape (each is hundreds of milliseconds).</summary>
    public int MuonRepetitions { get; init; } = 5;

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

    /// <summary>Parameter counts of the scaling curve (one Adam and one SGD step each): 10³ to 10⁸, half-decades.</summary>
    public long[] ScalingParameters { get; init; } = [1_000, 3_162, 10_000, 31_623, 100_000, 316_228, 1_000_000, 3_162_278, 10_000_000, 31_622_777, 100_000_000];

    /// <summary>Batch sizes of the book network's scaling curve.</summary>
    public int[] ScalingBatches { get; init; } = [16, 32, 64, 128, 256, 512, 1024];

    /// <summary>Iterations of <c>descent compare</c>'s MNIST part; null runs the command's own default (the book's 2000).</summary>
    public int? CompareIterations { get; init; }

    /// <summary>Calls per timed repetition of a body that takes <paramref name="secondsPerCall"/>: enough to fill <see cref="TargetSeconds"/>, 1 to 100 000.</summary>
    public int CallsFilling(double secondsPerCall) => (int)Math.Clamp(Math.Ceiling(TargetSeconds / secondsPerCall), 1, 100_000);
}

/// <summary>
/// The measurements of <c>descent bench</c>. Every timed call is the library's own code (optimizer
/// <c>Step()</c>, <c>Gemm.Multiply</c>, <c>Network.ComputeGradients</c>, the compare command itself);
/// nothing here reimplements a kernel.
/// </summary>
internal sealed class BenchRunner(BenchSizes sizes, TextWriter progress, Func<int?, CompareBreakdown>? compare)
{
    /// <summary>The book's network, as the comparison trains it.</summary>
    public static readonly int[] BookHidden = [100, 100, 100, 100];

    /// <summary>That network's layer sizes, as the reports name it.</summary>
    public static readonly string BookNet = "784-" + string.Join('-', BookHidden) + "-10";

    public const int BookBatch = 128;

    /// <summary>
    /// The book network (initialised from seed 0) and one fixed batch of random pixels (seed 3) with labels 0…9 in
    /// turn: what every timed training step, single-process or data-parallel, runs on.
    /// </summary>
    internal static (MultiLayerNet<float> Network, float[] Inputs, int[] Labels) BookProblem(int batch)
    {
        var random = new SeededRandom(3);
        float[] inputs = new float[batch * 784];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        int[] labels = new int[batch];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % 10;
        }

        return (new MultiLayerNet<float>(784, BookHidden, 10, random: new SeededRandom(0)), inputs, labels);
    }

    public BenchReport Run()
    {
        // Flush-to-zero as in the lab (the library's default is off); scoped, so an in-process caller gets its thread back.
        using var flush = Denormals.IsSupported ? Denormals.Flush() : default(Denormals.FlushScope?);
        var report = new BenchReport
        {
            Date = BenchReport.UtcNow(),
            Mode = sizes.Name,
            FlushToZero = Denormals.FlushToZero,
            Machine = Machine(),
        };
        report.Optimizers.AddRange(Optimizers(report.Machine));
        report.Gemm.AddRange(Gemms(report.Machine));
        report.Muon.AddRange(MuonSteps(report.Machine));
        report.TrainStep.AddRange(TrainSteps(report.Machine));
        Scaling(report);
        if (compare is not null)
        {
            Say("compare: descent compare --timings end to end, as a fresh process…");
            var breakdown = compare(sizes.CompareIterations);
            report.CompareSeconds = breakdown.Seconds;
            report.CompareIterations = sizes.CompareIterations ?? 2000;
            report.CompareBreakdown = new CompareBreakdownReport
            {
                StartupMs = breakdown.StartupMs,
                TwoDMs = breakdown.TwoDMs,
                TrainMs = breakdown.TrainMs,
                SaveMs = breakdown.SaveMs,
                PlotsMs = breakdown.PlotsMs,
                ReportMs = breakdown.ReportMs,
                RssMb = breakdown.RssMb,
            };
            Say(FormattableString.Invariant($"compare: {report.CompareSeconds:F1} s"));
        }

        report.Warnings.AddRange(Disturbed(report));
        foreach (string warning in report.Warnings)
        {
            Say("warning: " + warning);
        }

        return report;
    }

    /// <summary>
    /// A measured rate above the limit measured for it means the limit's probe was disturbed (another process had
    /// the memory bus or a core while it ran), so every fraction of that run is suspect: say which, and how far.
    /// </summary>
    internal static IEnumerable<string> Disturbed(BenchReport report)
    {
        var m = report.Machine;
        var overBandwidth = report.Optimizers.Where(o => o.FractionOfBandwidth > 1 || o.FractionOfPassBound > 1).ToList();
        if (overBandwidth.Count > 0)
        {
            var worst = overBandwidth.MaxBy(o => Math.Max(o.FractionOfBandwidth, o.FractionOfPassBound))!;
            yield return FormattableString.Invariant(
                $"{overBandwidth.Count} optimizer step(s) moved memory faster than the all-core triad measured ({m.TriadGbps:F1} GB/s; {worst.Name} reached {worst.Gbps:F1}): the triad probe was disturbed, so the bandwidth fractions are too high. Rerun on a quiet machine.");
        }

        var overPeak = report.Gemm.Where(g => g.FractionOfPeak > 1).Select(g => g.Label)
            .Concat(report.Muon.Where(u => u.FractionOfPeak > 1).Select(u => FormattableString.Invariant($"muon {u.Rows} × {u.Columns}")))
            .Concat(report.TrainStep.Where(t => t.FractionOfPeak > 1).Select(t => "train step " + t.Optimizer))
            .Concat(report.Scaling.TrainStep.Where(t => t.FractionOfPeak > 1).Select(t => FormattableString.Invariant($"train step batch {t.Batch}")))
            .ToList();
        if (overPeak.Count > 0)
        {
            yield return FormattableString.Invariant(
                $"{string.Join(", ", overPeak)} ran above the FMA peak measured ({m.FmaGflopsAll:F0} GFLOP/s all cores, {m.FmaGflops1T:F0} one core): the peak probe was disturbed, so the peak fractions are too high. Rerun on a quiet machine.");
        }
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
        machine.Caches.AddRange(CacheProbe.DataCaches());
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
            if (info.Name == "Muon")
            {
                yield return MuonRow(info, machine);
                continue;
            }

            initial.CopyTo(values, 0);
            var parameter = new Parameter<float>("w", values, gradients, shape);
            var optimizer = info.Create<float>([parameter]);
            var timing = Measure(optimizer.Step, calls: 1, large: true);

            // The one-pass bound: θ read and written, g read, each state tensor read and written. Methods that need
            // more than one pass are also judged against what their passes must move (the table below).
            var (_, onePass) = OnePass(optimizer, length);
            var (passes, elements) = Passes.TryGetValue(info.Name, out var known) ? known : (1, onePass);
            var row = Row(info, machine, length, sizeof(float) * onePass, passes, sizeof(float) * elements, timing);
            Say(FormattableString.Invariant($"optimizer {row.Name}: {row.Ms:F2} ms, {row.Gbps:F1} GB/s ({row.FractionOfBandwidth:P0} of the one-pass bound{(passes > 1 ? FormattableString.Invariant($", {row.FractionOfPassBound:P0} of its {passes}-pass bound") : string.Empty)})"));
            yield return row;
            GC.Collect();
        }
    }

    /// <summary>
    /// The state elements an optimizer keeps (measured from its saved state) and the one-pass bound in elements per
    /// parameter: θ read and written, g read, each state tensor read and written.
    /// </summary>
    private static (long StateElements, double ElementsPerParameter) OnePass(IOptimizer<float> optimizer, long parameters)
    {
        long state = optimizer.SaveState().Parameters.Values.Sum(p => p.Buffers.Values.Sum(b => (long)b.Length));
        return (state, 3.0 + (2.0 * state / parameters));
    }

    /// <summary>
    /// Passes over memory and element reads plus writes per parameter of the optimizers that need more than one
    /// pass, from the passes their summaries describe. Adafactor needs three: its update is clipped by the RMS of
    /// the whole update, which needs the final column factors (so all of g) before it can be summed, and only then
    /// can θ move; folding that sum into the first pass is possible algebraically but would change its rounding.
    /// </summary>
    private static readonly Dictionary<string, (int Passes, double Elements)> Passes = new(StringComparer.Ordinal)
    {
        ["Lamb"] = (2, 10),       // θ g m v read, m v written; θ m v read, θ written
        ["Prodigy"] = (2, 13),    // θ g θ₀ m v s read, m v s written; θ m v read, θ written
        ["LARS"] = (2, 7),        // θ g read; θ g t read, θ t written
        ["Fromage"] = (2, 5),     // θ g read; θ g read, θ written
        ["NovoGrad"] = (2, 7),    // θ g read; θ g m read, θ m written
        ["Adafactor"] = (3, 5),   // g read (row and column factors); g read (Σ U²); θ g read, θ written
    };

    private static OptimizerReport Row(OptimizerInfo info, MachineReport machine, long length, double onePassBytes, int passes, double passBytes, Timing timing)
    {
        double seconds = timing.Median * 1e-3;
        double gbps = passBytes * length / seconds / 1e9;
        double onePassGbps = onePassBytes * length / seconds / 1e9;
        return new OptimizerReport
        {
            Name = info.Name,
            Convention = info.Convention.ToString(),
            Params = length,
            BytesPerParam = onePassBytes,
            Passes = passes,
            PassBytesPerParam = passBytes,
            Ms = timing.Median,
            MsMin = timing.Min,
            MsMax = timing.Max,
            Gbps = gbps,
            FractionOfBandwidth = onePassGbps / machine.TriadGbps,
            FractionOfBandwidth1T = onePassGbps / machine.TriadGbps1T,
            FractionOfPassBound = gbps / machine.TriadGbps,
        };
    }

    /// <summary>Muon's row of the optimizer table: one step on the first of <see cref="BenchSizes.MuonShapes"/>.</summary>
    private OptimizerReport MuonRow(OptimizerInfo info, MachineReport machine)
    {
        var (timing, parameter) = TimeMuon(info, sizes.MuonShapes[0]);
        var row = Row(info, machine, parameter.Length, sizeof(float) * 5.0, 1, sizeof(float) * 5.0, timing);
        Say(FormattableString.Invariant($"optimizer {row.Name}: {row.Ms:F2} ms on {parameter.Shape[0]} × {parameter.Shape[1]} (bounded by its GEMMs; see the Muon table)"));
        return row;
    }

    /// <summary>Muon's step on each of <see cref="BenchSizes.MuonShapes"/>, against the FMA peak: its cost is the Newton–Schulz GEMMs.</summary>
    private IEnumerable<MuonReport> MuonSteps(MachineReport machine)
    {
        var info = OptimizerCatalog.Find("Muon");
        var defaults = (MuonOptions)info.Defaults;
        foreach (int[] shape in sizes.MuonShapes)
        {
            var (timing, _) = TimeMuon(info, shape);
            long m = Math.Min(shape[0], shape[1]), n = Math.Max(shape[0], shape[1]);

            // Per iteration X·Xᵀ (m·n·m), A·A (m³) and B·X (m·m·n) multiply-adds, two flops each.
            double flops = 2.0 * defaults.NewtonSchulzSteps * ((2.0 * m * m * n) + ((double)m * m * m));
            double gflops = flops / (timing.Median * 1e-3) / 1e9;
            var row = new MuonReport
            {
                Rows = shape[0],
                Columns = shape[1],
                Ms = timing.Median,
                MsMin = timing.Min,
                MsMax = timing.Max,
                Gflops = gflops,
                FractionOfPeak = gflops / machine.FmaGflopsAll,
            };
            Say(FormattableString.Invariant($"muon {row.Rows} × {row.Columns}: {row.Ms:F1} ms, {row.Gflops:F1} GFLOP/s ({row.FractionOfPeak:P0} of the FMA peak)"));
            yield return row;
        }
    }

    private (Timing Timing, Parameter<float> Parameter) TimeMuon(OptimizerInfo info, int[] shape)
    {
        int length = shape[0] * shape[1];
        var random = new SeededRandom(3);
        var parameter = new Parameter<float>("W", Normal(random, length), Normal(random, length), shape);
        var optimizer = info.Create<float>([parameter], info.Defaults.WithLearningRate(0.02));
        optimizer.Step();
        return (Timing.Repeat(optimizer.Step, calls: 1, sizes.MuonRepetitions), parameter);
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

    private IEnumerable<TrainStepReport> TrainSteps(MachineReport machine)
    {
        string net = BookNet;
        foreach (string name in (string[])["SGD", "Adam"])
        {
            var (timing, flops) = TimeTrainStep(name, BookBatch);
            double gflops = flops / (timing.Median * 1e-3) / 1e9;
            var row = new TrainStepReport
            {
                Net = net,
                Batch = BookBatch,
                Optimizer = name,
                Dtype = "float32",
                Ms = timing.Median,
                MsMin = timing.Min,
                MsMax = timing.Max,
                NecessaryMflop = flops / 1e6,
                Gflops = gflops,
                FractionOfPeak = gflops / machine.FmaGflopsAll,
            };
            Say(FormattableString.Invariant($"train step {net} batch {BookBatch} {name}: {row.Ms:F3} ms, {row.Gflops:F1} GFLOP/s of necessary work ({row.FractionOfPeak:P0} of the FMA peak)"));
            yield return row;
        }
    }

    /// <summary>One forward, backward and <c>Step()</c> of the book network on a fixed random batch; returns its time and necessary FLOPs.</summary>
    private (Timing Timing, double Flops) TimeTrainStep(string optimizerName, int batch)
    {
        var (network, inputs, labels) = BookProblem(batch);
        var optimizer = OptimizerCatalog.Create<float>(optimizerName == "SGD" ? "sgd:lr=0.01" : "adam:lr=0.001", network.Parameters);
        var timing = Measure(
            () =>
            {
                network.ComputeGradients(inputs, batch, labels);
                optimizer.Step();
            },
            calls: 0);
        return (timing, NecessaryFlops(network, batch));
    }

    /// <summary>See <see cref="TrainStepReport.NecessaryMflop"/>.</summary>
    internal static double NecessaryFlops<T>(Network<T> network, int batch)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        double flops = 0;
        bool first = true;
        foreach (var layer in network.Layers)
        {
            if (layer is Affine<T> affine)
            {
                double product = 2.0 * batch * affine.InputSize * affine.OutputSize;
                flops += (first ? 2 : 3) * product;
                first = false;
            }
        }

        return flops;
    }

    /// <summary>
    /// One Adam and one SGD step over parameter counts from 10³ to 10⁸ (log-spaced), then the book network's Adam
    /// iteration over batch sizes 16…1024: where the per-element cost leaves the caches, and where thread hand-off
    /// stops mattering.
    /// </summary>
    private void Scaling(BenchReport report)
    {
        var machine = report.Machine;
        foreach (long n in sizes.ScalingParameters)
        {
            // A cheap deterministic pattern (10⁸ normal draws would take seconds); the kernels' speed does not depend on the values.
            float[] values = new float[n];
            float[] gradients = new float[n];
            for (long i = 0; i < n; i++)
            {
                values[i] = 0.05f * ((i % 17) - 8) / 8;
                gradients[i] = 0.01f * ((i % 13) - 6) / 6;
            }

            foreach (string name in (string[])["SGD", "Adam"])
            {
                var info = OptimizerCatalog.Find(name);
                var parameter = new Parameter<float>("w", values, gradients, [checked((int)n)]);
                var optimizer = info.Create<float>([parameter]);
                var timing = Measure(optimizer.Step, calls: 0, large: n >= 10_000_000);
                var (stateElements, onePass) = OnePass(optimizer, n);
                double bytes = sizeof(float) * onePass;
                var point = new ScalingOptimizerPoint
                {
                    Name = name,
                    Params = n,
                    Ms = timing.Median,
                    Gbps = bytes * n / (timing.Median * 1e-3) / 1e9,
                    NsPerParam = timing.Median * 1e6 / n,
                    WorkingSetBytes = sizeof(float) * (2 * n + stateElements),
                };
                report.Scaling.Optimizer.Add(point);
                Say(FormattableString.Invariant($"scaling {name} {n:N0} params: {point.Ms:G4} ms, {point.Gbps:F1} GB/s, {point.NsPerParam:G3} ns/param"));
                GC.Collect();
            }
        }

        foreach (int batch in sizes.ScalingBatches)
        {
            var (timing, flops) = TimeTrainStep("Adam", batch);
            double gflops = flops / (timing.Median * 1e-3) / 1e9;
            report.Scaling.TrainStep.Add(new ScalingTrainPoint { Batch = batch, Optimizer = "Adam", Ms = timing.Median, Gflops = gflops, FractionOfPeak = gflops / machine.FmaGflopsAll });
            Say(FormattableString.Invariant($"scaling train step batch {batch}: {timing.Median:F3} ms, {gflops:F1} GFLOP/s ({gflops / machine.FmaGflopsAll:P0} of the FMA peak)"));
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
            calls = sizes.CallsFilling(Math.Max(warmupTicks, 1) / (double)Stopwatch.Frequency);
        }

        return Timing.Repeat(body, calls, sizes.Repetitions);
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
