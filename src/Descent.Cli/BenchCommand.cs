using System.CommandLine;
using System.Globalization;
using Descent.Cli.Bench;
using Descent.Cli.Lab;
using Descent.Distributed;
using Spectre.Console;

namespace Descent.Cli;

/// <summary>
/// <c>descent bench [--quick] [--json]</c>: how fast Descent is on this machine, next to the machine's own limits
/// (STREAM triad bandwidth, FMA peak).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer repetitions and scaling points by decades, a minute or two; the full run takes as long as stable medians need." };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout (progress goes to stderr)." };
        var tiny = new Option<bool>("--tiny-sizes") { Description = "Test sizes only: seconds long, numbers meaningless.", Hidden = true };
        var book = new Option<bool>("--book")
        {
            Description = "Instead: each `descent book` command (chapter 6), default and --reproduce-book, against the book's NumPy times (goals ≥ 10× and ≥ 2×). "
                + "The full run takes several minutes; --quick runs a tenth of each training and extrapolates.",
        };
        var outDir = new Option<DirectoryInfo?>("--out")
        {
            Description = "Also write bench.json, the cost-curve figure (scaling.png/.svg) and report.html into this folder.",
        };
        var distributed = new Option<bool>("--distributed")
        {
            Description = "Under mpiexec: all-reduce time and GB/s by size, and the book network's data-parallel step on 1 and on all ranks.",
        };
        var command = new Command(
            "bench",
            "Measure optimizer steps, matrix multiply and training iterations against this machine's memory bandwidth and FMA peak; flush-to-zero is on.")
        {
            quick,
            json,
            tiny,
            book,
            distributed,
            outDir,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var sizes = parse.GetValue(tiny) ? BenchSizes.Tiny : parse.GetValue(quick) ? BenchSizes.Quick : BenchSizes.Full;
            bool asJson = parse.GetValue(json);
            if (parse.GetValue(book))
            {
                var rows = Book.BookBench.Run(parse.GetValue(tiny) ? 0.01 : parse.GetValue(quick) ? 0.1 : 1, error);
                PrintBook(rows, output, asJson);
                return 0;
            }

            if (parse.GetValue(distributed))
            {
                return RunDistributed(sizes, asJson, output, error);
            }

            // A folder that cannot be written is a usage error now, not after minutes of measuring.
            if (parse.GetValue(outDir) is { } target)
            {
                BenchFigures.CheckWritable(target.FullName);
            }

            // Progress goes to stderr always, so stdout carries only the result (the table, or the one JSON object).
            var runner = new BenchRunner(sizes, error, iterations => CompareTimer.Run(iterations, error));
            var report = runner.Run();
            if (parse.GetValue(outDir) is { } folder)
            {
                var files = BenchFigures.Write(report, folder.FullName);
                error.WriteLine("bench: wrote " + string.Join(", ", files.Select(Path.GetFileName)) + " to " + folder.FullName);
            }

            if (asJson)
            {
                output.WriteLine(report.ToJson());
            }
            else
            {
                Print(report, output);
            }

            return 0;
        });
        return command;
    }

    private static int RunDistributed(BenchSizes sizes, bool asJson, TextWriter output, TextWriter error)
    {
        if (!MpiCommunicator.IsLaunchedByMpi)
        {
            throw new UsageException("--distributed measures MPI collectives between processes: start it with mpiexec, e.g. mpiexec -n 2 descent bench --distributed.");
        }

        return DistributedJob.Run(world =>
        {
            var report = new DistributedBench(world, sizes, error).Run();
            if (world.Rank == 0)
            {
                if (asJson)
                {
                    output.WriteLine(report.ToJson());
                }
                else
                {
                    PrintDistributed(report, output);
                }
            }

            return 0;
        });
    }

    private static void PrintDistributed(DistributedBenchReport report, TextWriter output)
    {
        var console = TableConsole(output);
        console.WriteLine(Invariant($"descent bench --distributed ({report.Mode}) {report.Date}: {report.Ranks} ranks, {report.LocalRanks} on this host, {report.ThreadsPerRank} compute thread(s) per rank; {report.MpiLibrary}"));
        console.WriteLine($"flush-to-zero: {(report.FlushToZero ? "on" : "off (not supported here)")}");
        if (report.ThreadAdvice is { } advice)
        {
            console.WriteLine("note: " + advice);
        }

        var reduce = new Table().Title("MPI_Allreduce (sum, float, in place; slowest rank)").AddColumns("floats", "per call", "ms (min / median / max)", "GB/s (buffer)", "GB/s (bus)");
        foreach (var r in report.AllReduce)
        {
            reduce.AddRow(
                r.Floats.ToString("N0", CultureInfo.InvariantCulture),
                r.Bucket >= r.Floats ? "whole buffer" : Invariant($"buckets of {r.Bucket:N0}"),
                Invariant($"{r.MsMin:F4} / {r.Ms:F4} / {r.MsMax:F4}"),
                Invariant($"{r.AlgorithmGbps:F2}"),
                Invariant($"{r.BusGbps:F2}"));
        }

        console.Write(reduce);
        var step = new Table().Title("Data-parallel training step (forward, backward, gradient all-reduce, Step())").AddColumns("ranks", "network", "global batch", "optimizer", "ms (min / median / max)", "all-reduce ms");
        foreach (var s in report.Step)
        {
            step.AddRow(
                Invariant($"{s.Ranks}"),
                s.Net,
                Invariant($"{s.GlobalBatch}"),
                s.Optimizer,
                Invariant($"{s.MsMin:F3} / {s.Ms:F3} / {s.MsMax:F3}"),
                s.Ranks == 1 ? "—" : Invariant($"{s.AllReduceMs:F4}"));
        }

        console.Write(step);
    }

    private static IAnsiConsole TableConsole(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });

        // Redirected output has no terminal width to honour; 80 columns would wrap every table row.
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            // Nor should long lines (the compare breakdown, warnings) break mid-record: one record per line.
            console.Profile.Width = Program.RedirectedWidth;
        }

        return console;
    }

    private static void Print(BenchReport report, TextWriter output)
    {
        var console = TableConsole(output);

        var m = report.Machine;
        console.WriteLine(Invariant($"descent bench ({report.Mode}) {report.Date} on {m.Processor}, {m.ProcessorCount} logical processors, {m.VectorBits}-bit vectors"));
        console.WriteLine($"flush-to-zero: {(report.FlushToZero ? "on" : "off (not supported here)")}");
        console.WriteLine(Invariant(
            $"machine: STREAM triad {m.TriadGbps:F1} GB/s all cores, {m.TriadGbps1T:F1} GB/s one thread; FMA peak {m.FmaGflopsAll:F0} GFLOP/s all cores, {m.FmaGflops1T:F0} one core"));

        var optimizers = new Table().Title("Step() on float parameters (fractions: one-pass bytes over the triad; multi-pass methods also against what their passes must move)")
            .AddColumns("optimizer", "params", "bytes/param", "passes", "ms (min / median / max)", "GB/s", "of triad (1 thread)", "of triad (all)", "of pass bound");
        foreach (var o in report.Optimizers)
        {
            optimizers.AddRow(
                Markup.Escape(o.Name),
                o.Params.ToString("N0", CultureInfo.InvariantCulture),
                Invariant($"{o.BytesPerParam:F0}"),
                Invariant($"{o.Passes}"),
                Invariant($"{o.MsMin:F2} / {o.Ms:F2} / {o.MsMax:F2}"),
                Invariant($"{o.Gbps:F1}"),
                Invariant($"{o.FractionOfBandwidth1T:P0}"),
                Invariant($"{o.FractionOfBandwidth:P0}"),
                o.Passes > 1 ? Invariant($"{o.FractionOfPassBound:P0} of {o.PassBytesPerParam:F0} B") : "—");
        }

        console.Write(optimizers);

        var gemm = new Table().Title("Gemm.Multiply, float").AddColumns("product", "m × k × n", "threads", "ms (median)", "GFLOP/s", "of peak");
        foreach (var g in report.Gemm)
        {
            gemm.AddRow(Markup.Escape(g.Label), Invariant($"{g.M} × {g.K} × {g.N}"), Invariant($"{g.Threads}"), Invariant($"{g.Ms:F3}"), Invariant($"{g.Gflops:F1}"), Invariant($"{g.FractionOfPeak:P0}"));
        }

        console.Write(gemm);

        var muon = new Table().Title("Muon's step (Newton–Schulz, 5 iterations, on the float GEMM)").AddColumns("matrix", "ms (min / median / max)", "GFLOP/s", "of FMA peak");
        foreach (var u in report.Muon)
        {
            muon.AddRow(Invariant($"{u.Rows} × {u.Columns}"), Invariant($"{u.MsMin:F1} / {u.Ms:F1} / {u.MsMax:F1}"), Invariant($"{u.Gflops:F1}"), Invariant($"{u.FractionOfPeak:P0}"));
        }

        console.Write(muon);

        var train = new Table().Title("One training iteration (forward, backward, Step())")
            .AddColumns("network", "batch", "optimizer", "dtype", "ms (min / median / max)", "necessary MFLOP", "GFLOP/s", "of FMA peak");
        foreach (var t in report.TrainStep)
        {
            train.AddRow(t.Net, Invariant($"{t.Batch}"), t.Optimizer, t.Dtype, Invariant($"{t.MsMin:F3} / {t.Ms:F3} / {t.MsMax:F3}"), Invariant($"{t.NecessaryMflop:F1}"), Invariant($"{t.Gflops:F1}"), Invariant($"{t.FractionOfPeak:P0}"));
        }

        console.Write(train);

        var scaling = new Table().Title("Scaling: one optimizer step by parameter count").AddColumns("optimizer", "params", "ms", "ns/param", "GB/s");
        foreach (var p in report.Scaling.Optimizer)
        {
            scaling.AddRow(p.Name, p.Params.ToString("N0", CultureInfo.InvariantCulture), Numbers.Format(p.Ms, 4), Numbers.Format(p.NsPerParam, 3), Invariant($"{p.Gbps:F1}"));
        }

        console.Write(scaling);
        var batches = new Table().Title("Scaling: the book network's iteration (Adam) by batch").AddColumns("batch", "ms", "GFLOP/s (necessary)", "of FMA peak");
        foreach (var p in report.Scaling.TrainStep)
        {
            batches.AddRow(Invariant($"{p.Batch}"), Invariant($"{p.Ms:F3}"), Invariant($"{p.Gflops:F1}"), Invariant($"{p.FractionOfPeak:P0}"));
        }

        console.Write(batches);
        console.WriteLine(m.Caches.Count == 0 ? "data caches: unknown (no sysfs listing, no CPUID cache leaf)" : "data caches: " + string.Join(", ", m.Caches.Select(c => Invariant($"L{c.Level} {c.Kib:N0} KiB"))));
        console.WriteLine(report.CompareSeconds is double seconds && report.CompareBreakdown is { } b
            ? Invariant($"descent compare end to end ({report.CompareIterations} iterations × 4 optimizers): {seconds:F1} s — start-up {b.StartupMs:F0} ms, 2-D {b.TwoDMs:F0} ms, data and training {b.TrainMs:F0} ms, data files {b.SaveMs:F0} ms, plots {b.PlotsMs:F0} ms, report {b.ReportMs:F0} ms; peak memory {b.RssMb:F0} MB")
            : "descent compare: not measured");
        foreach (string warning in report.Warnings)
        {
            console.WriteLine("warning: " + warning);
        }
    }

    private static void PrintBook(List<Book.BookBenchRow> rows, TextWriter output, bool asJson)
    {
        if (asJson)
        {
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(
                new { book = rows.Select(r => new { command = r.Command, mode = r.Mode, numpy_cpu_seconds = r.NumPySeconds, seconds = r.Seconds, cpu_seconds = r.CpuSeconds, extrapolated = r.Extrapolated, speedup = r.Speedup, cpu_speedup = r.CpuSpeedup, goal = r.Goal, met = r.Met }) },
                Book.BookJson.Options));
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect });
        console.Profile.Width = Math.Max(console.Profile.Width, 120);
        var table = new Table().Title(Invariant($"descent book on {Environment.ProcessorCount} logical processors vs the book's NumPy (CPU seconds, one thread)"))
            .AddColumns("command", "mode", "NumPy CPU s", "descent s (wall)", "speed-up", "descent CPU s", "CPU speed-up", "goal", "met (wall)");
        foreach (var r in rows)
        {
            table.AddRow(
                Markup.Escape(r.Command),
                Markup.Escape(r.Mode),
                Invariant($"{r.NumPySeconds:F1}"),
                Invariant($"{r.Seconds:F1}{(r.Extrapolated ? " (extrapolated)" : string.Empty)}"),
                Invariant($"{r.Speedup:F1}×"),
                Invariant($"{r.CpuSeconds:F1}"),
                Invariant($"{r.CpuSpeedup:F1}×"),
                Invariant($"≥ {r.Goal:F0}×"),
                r.Met ? "yes" : "no");
        }

        console.Write(table);
        console.WriteLine(Invariant($"Load average while measuring: {LoadAverage()} (a shared machine stretches wall times; CPU time is the fairer comparison with NumPy's one thread)."));
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
