using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Descent.Cli.Bench;
using Descent.Cli.Lab;
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
        var quick = new Option<bool>("--quick") { Description = "Fewer repetitions, under a minute; the full run takes as long as stable medians need." };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout (progress goes to stderr)." };
        var tiny = new Option<bool>("--tiny-sizes") { Description = "Test sizes only: seconds long, numbers meaningless.", Hidden = true };
        var command = new Command(
            "bench",
            "Measure optimizer steps, matrix multiply and training iterations against this machine's memory bandwidth and FMA peak; flush-to-zero is on.")
        {
            quick,
            json,
            tiny,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var sizes = parse.GetValue(tiny) ? BenchSizes.Tiny : parse.GetValue(quick) ? BenchSizes.Quick : BenchSizes.Full;
            bool asJson = parse.GetValue(json);

            // Progress goes to stderr always, so stdout carries only the result (the table, or the one JSON object).
            var runner = new BenchRunner(sizes, error, iterations => TimeCompareMnist(iterations, error));
            var report = runner.Run();
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

    /// <summary>
    /// Wall time of <c>descent compare</c>'s MNIST part, run through the same code as the command (its default
    /// options: the book's four optimizers, 2000 iterations, bundled data, float, flush-to-zero), with its
    /// progress on <paramref name="progress"/>; nothing is written to disk.
    /// </summary>
    internal static double TimeCompareMnist(int? iterations, TextWriter progress)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(progress),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        var mnist = new MnistOptions();
        var command = new Command("compare");
        foreach (var option in mnist.All)
        {
            command.Options.Add(option);
        }

        var parse = command.Parse(iterations is int n ? ["--iterations", n.ToString(CultureInfo.InvariantCulture)] : []);
        long start = Stopwatch.GetTimestamp();
        CompareMnistCommand.Execute(console, parse, mnist, null, "compare", null, Conventions.Book, reproduceBook: false, check: null);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static void Print(BenchReport report, TextWriter output)
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
            console.Profile.Width = Math.Max(console.Profile.Width, 140);
        }

        var m = report.Machine;
        console.WriteLine(Invariant($"descent bench ({report.Mode}) {report.Date} on {m.Processor}, {m.ProcessorCount} logical processors, {m.VectorBits}-bit vectors"));
        console.WriteLine($"flush-to-zero: {(report.FlushToZero ? "on" : "off (not supported here)")}");
        console.WriteLine(Invariant(
            $"machine: STREAM triad {m.TriadGbps:F1} GB/s all cores, {m.TriadGbps1T:F1} GB/s one thread; FMA peak {m.FmaGflopsAll:F0} GFLOP/s all cores, {m.FmaGflops1T:F0} one core"));

        var optimizers = new Table().Title("Step() on float parameters").AddColumns("optimizer", "params", "bytes/param", "ms (min / median / max)", "GB/s", "of triad (1 thread)", "of triad (all)");
        foreach (var o in report.Optimizers)
        {
            optimizers.AddRow(
                Markup.Escape(o.Name),
                o.Params.ToString("N0", CultureInfo.InvariantCulture),
                Invariant($"{o.BytesPerParam:F0}"),
                Invariant($"{o.MsMin:F2} / {o.Ms:F2} / {o.MsMax:F2}"),
                Invariant($"{o.Gbps:F1}"),
                Invariant($"{o.FractionOfBandwidth1T:P0}"),
                Invariant($"{o.FractionOfBandwidth:P0}"));
        }

        console.Write(optimizers);

        var gemm = new Table().Title("Gemm.Multiply, float").AddColumns("product", "m × k × n", "threads", "ms (median)", "GFLOP/s", "of peak");
        foreach (var g in report.Gemm)
        {
            gemm.AddRow(Markup.Escape(g.Label), Invariant($"{g.M} × {g.K} × {g.N}"), Invariant($"{g.Threads}"), Invariant($"{g.Ms:F3}"), Invariant($"{g.Gflops:F1}"), Invariant($"{g.FractionOfPeak:P0}"));
        }

        console.Write(gemm);

        var train = new Table().Title("One training iteration (forward, backward, Step())").AddColumns("network", "batch", "optimizer", "dtype", "ms (min / median / max)");
        foreach (var t in report.TrainStep)
        {
            train.AddRow(t.Net, Invariant($"{t.Batch}"), t.Optimizer, t.Dtype, Invariant($"{t.MsMin:F3} / {t.Ms:F3} / {t.MsMax:F3}"));
        }

        console.Write(train);
        console.WriteLine(report.CompareSeconds is double seconds
            ? Invariant($"descent compare, MNIST part ({report.CompareIterations} iterations × 4 optimizers): {seconds:F1} s")
            : "descent compare, MNIST part: not measured");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
