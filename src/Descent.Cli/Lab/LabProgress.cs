using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Descent.Cli.Lab;

/// <summary>Receives a task's progress: iterations done and the latest loss.</summary>
internal interface IProgressReporter
{
    void Report(long done, double loss);
}

/// <summary>One unit of work with a progress bar of its own.</summary>
internal sealed record ProgressWork(string Name, long Total, Action<IProgressReporter> Work);

/// <summary>
/// Runs work items with progress: on a terminal a live bar per item (loss and time left); when the output is
/// redirected or not interactive, plain lines at every tenth of the way or every five seconds.
/// </summary>
internal static class LabProgress
{
    public static bool IsLive(IAnsiConsole console) =>
        console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi && !Console.IsOutputRedirected;

    public static void Run(IAnsiConsole console, IReadOnlyList<ProgressWork> work, int parallelism)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) };
        // Every label padded to the longest, so the counts and losses of all items line up.
        int width = work.Count == 0 ? 0 : work.Max(w => w.Name.Length);
        try
        {
            if (IsLive(console))
            {
                console.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(context =>
                    {
                        var tasks = work.Select(w => context.AddTask(Describe(w.Name, width, double.NaN), autoStart: false, maxValue: w.Total)).ToArray();
                        Parallel.For(0, work.Count, options, i =>
                        {
                            tasks[i].StartTask();
                            work[i].Work(new LiveReporter(tasks[i], work[i].Name, width));
                            tasks[i].Value = tasks[i].MaxValue;
                            tasks[i].StopTask();
                        });
                    });
            }
            else
            {
                var gate = new object();
                Parallel.For(0, work.Count, options, i => work[i].Work(new PlainReporter(console, gate, work[i].Name.PadRight(width), work[i].Total)));
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private static string Describe(string name, int width, double loss) =>
        Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{name.PadRight(width)} loss {Loss(loss),9}"));

    /// <summary>A loss in four significant digits (never 0.0000 for a small one, never 22608132.0000 for a huge one).</summary>
    internal static string Loss(double loss) => double.IsNaN(loss) ? "–" : Numbers.Format(loss, 4);

    private sealed class LiveReporter(ProgressTask task, string name, int width) : IProgressReporter
    {
        private long _lastDescribed = -1;

        public void Report(long done, double loss)
        {
            task.Value = done;
            if (done - _lastDescribed >= Math.Max(1, (long)task.MaxValue / 200) || done == (long)task.MaxValue)
            {
                _lastDescribed = done;
                task.Description = Describe(name, width, loss);
            }
        }
    }

    private sealed class PlainReporter(IAnsiConsole console, object gate, string name, long total) : IProgressReporter
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _nextTenth = 1;
        private double _lastPrinted;

        public void Report(long done, double loss)
        {
            double elapsed = _clock.Elapsed.TotalSeconds;
            bool tenth = done * 10 >= _nextTenth * total;
            if (!tenth && elapsed - _lastPrinted < 5)
            {
                return;
            }

            while (_nextTenth <= 10 && done * 10 >= _nextTenth * total)
            {
                _nextTenth++;
            }

            _lastPrinted = elapsed;
            double left = done == 0 ? double.NaN : elapsed * (total - done) / done;
            string line = string.Create(CultureInfo.InvariantCulture, $"  {name} {done.ToString(CultureInfo.InvariantCulture).PadLeft(total.ToString(CultureInfo.InvariantCulture).Length)}/{total}  loss {Loss(loss),9}  {elapsed,6:F1} s  ~{left,5:F1} s left");
            lock (gate)
            {
                console.WriteLine(line);
            }
        }
    }
}

/// <summary>Reports each step of the library's training loop to a progress bar.</summary>
internal sealed class ProgressObserver(IProgressReporter progress) : Descent.Training.ITrainingObserver
{
    public void OnStep(in Descent.Training.StepReport report) => progress.Report(report.Step, report.Loss);
}
