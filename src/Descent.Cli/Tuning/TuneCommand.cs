using System.CommandLine;
using System.Globalization;
using Descent.Cli.Lab;
using Spectre.Console;

namespace Descent.Cli.Tuning;

/// <summary>
/// <c>descent tune</c>: per-optimizer random search with successive halving under a fixed budget, selected on a
/// validation split, the study kept in SQLite; then the tuned and default configurations re-run over several seeds
/// and compared on the test set.
/// </summary>
internal static class TuneCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var mnist = new MnistOptions();
        var optimizers = new Option<string>("--optimizers")
        {
            Description = "The optimizers to tune, comma-separated (names as in --optimizer).",
            DefaultValueFactory = _ => "sgd,momentum,adagrad,adam",
            HelpName = "NAME,NAME,...",
        };
        var budget = new Option<string>("--budget")
        {
            Description = "Per optimizer: training iterations summed over its trials (20000), or training time on one core (90s, 5m), "
                + "converted to iterations by timing the first steps (stored in the study).",
            DefaultValueFactory = _ => "20000",
            HelpName = "N|SECONDSs|MINUTESm",
        };
        var spaces = new Option<string[]>("--space")
        {
            Description = "A search space, repeatable: NAME:KEY=LOW..HIGH[:log],... e.g. adam:lr=1e-5..1e-1:log,beta2=0.9..0.9999 "
                + "(default per optimizer: lr=1e-4..1:log).",
            HelpName = "SPACE",
        };
        var eta = LabOptions.WithValidator(
            new Option<int>("--eta") { Description = "Successive halving keeps the best 1/η of each rung.", DefaultValueFactory = _ => 3 },
            v => v is >= 2 and <= 100 ? null : $"--eta must be an integer from 2 to 100; got {v}.");
        var rungs = LabOptions.WithValidator(
            new Option<int>("--rungs") { Description = "Rungs of successive halving; the last trains --iterations per configuration.", DefaultValueFactory = _ => 3 },
            v => v is >= 1 and <= 10 ? null : $"--rungs must be an integer from 1 to 10; got {v}.");
        var validation = LabOptions.WithValidator(
            new Option<double>("--validation") { Description = "Fraction of the training data held out to select configurations (the test set is used only for the final report).", DefaultValueFactory = _ => 0.1 },
            v => v is > 0 and < 0.9 ? null : $"--validation must be a fraction in (0, 0.9); got {v}.");
        var seeds = LabOptions.WithValidator(
            new Option<int>("--seeds") { Description = "Seeds of the final default-vs-tuned comparison.", DefaultValueFactory = _ => 3 },
            v => v is >= 1 and <= 1000 ? null : $"--seeds must be an integer from 1 to 1000; got {v}.");
        var studyFile = new Option<string?>("--study")
        {
            Description = "The study's SQLite file (default: study.db in the run folder). Several processes may share it; a killed tune resumes from it.",
            HelpName = "FILE",
        };
        var conventions = LabOptions.ConventionsOption();
        var output = LabOptions.Out();
        var command = LabOptions.CommandWith(
            "tune",
            "Tune each optimizer's hyperparameters under the same budget (random search + successive halving on a validation split), then compare default and tuned over several seeds.",
            mnist.All.Concat([optimizers, budget, spaces, eta, rungs, validation, seeds, studyFile, conventions, output]));

        command.SetAction(parse =>
        {
            using var interruption = new Interruption(console);
            var convention = LabOptions.ParseConventions(parse.GetValue(conventions)!);
            var names = ParseNames(parse.GetValue(optimizers)!);
            var searched = Spaces(names, parse.GetValue(spaces) ?? [], parse.GetValue(mnist.Seed), convention);
            var data = LabDataLoader.LoadFrom(mnist.DataSource.Read(parse));
            var settings = mnist.Settings(parse, convention, data);
            var (train, validationSplit) = TrialRunner.Split(data, parse.GetValue(validation), settings.Seed);
            var folder = RunFolder.CreateOrDefault(parse.GetValue(output));
            string path = parse.GetValue(studyFile) ?? folder.File("study.db");
            string budgetText = parse.GetValue(budget)!;
            var setup = Setup(console, path, budgetText, settings, mnist.IsDouble(parse), searched, parse.GetValue(eta), parse.GetValue(rungs), parse.GetValue(validation), validationSplit);
            console.MarkupLineInterpolated($"Study [bold]{path}[/]: {validationSplit.Description}.");
            console.MarkupLineInterpolated($"Per optimizer: {setup.Plan}. {settings.Parallelism} trial(s) at a time.");
            Tuner.Work(console, path, setup, validationSplit, settings.Parallelism, interruption.Token);
            if (interruption.Requested)
            {
                using var study = Study.Open(path);
                var trials = study.Trials();
                console.MarkupLineInterpolated(
                    $"Interrupted: the study keeps {trials.Count(t => t.State is TrialState.Complete or TrialState.Diverged)} finished trial(s) of {trials.Count} so far; the ones cut short are pending again. Continue with the same command and --study {path}.");
                return Program.Interrupted;
            }
            var record = Report(console, path, setup, train, parse.GetValue(seeds), budgetText);
            RunOutput.Finish(console, record, folder);
            // A default that diverges in the final comparison is a finding of the study, not a failed tune.
            _ = CompareMnistCommand.ReportDivergence(console, record);
            return 0;
        });
        return command;
    }

    private static string[] ParseNames(string text)
    {
        string[] names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0 || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            throw new UsageException($"--optimizers '{text}': expected distinct optimizer names separated by commas, e.g. sgd,momentum,adagrad,adam.");
        }

        return names;
    }

    private static List<SearchSpace> Spaces(string[] names, string[] texts, long seed, Conventions conventions)
    {
        var given = texts.Select(SearchSpace.Parse).ToList();
        foreach (var space in given.Where(s => !names.Contains(s.Optimizer, StringComparer.Ordinal)))
        {
            throw new UsageException($"--space '{space}': '{space.Optimizer}' is not among --optimizers ({string.Join(",", names)}).");
        }

        var spaces = names.Select(n => given.LastOrDefault(s => s.Optimizer == n) ?? SearchSpace.Default(n)).ToList();
        foreach (var space in spaces)
        {
            // Both ends of every range and one drawn configuration check the names, keys and ranges (each option's
            // validity rule) before anything trains.
            LabOptimizers.Validate([OptimizerSpec.Parse(space.Optimizer), .. space.Ends(), space.Sample(seed, 0, 0)], conventions);
        }

        return spaces;
    }

    private static TuneSetup Setup(IAnsiConsole console, string path, string budgetText, MnistSettings settings, bool useDouble, List<SearchSpace> spaces, int eta, int rungs, double validation, LabData split)
    {
        long? iterations = ParseBudget(budgetText, out double? seconds);
        if (seconds is double s)
        {
            using var study = Study.Open(path);
            iterations = study.Settings().TryGetValue("budget", out string? stored) && stored.StartsWith(budgetText + " = ", StringComparison.Ordinal)
                ? long.Parse(stored[(budgetText.Length + 3)..].Split(' ')[0], CultureInfo.InvariantCulture)
                : Probe(settings, useDouble, spaces[0], split, s);
            console.MarkupLineInterpolated($"Budget {budgetText}: {iterations} iterations per optimizer on this machine.");
        }

        var plan = HalvingPlan.Create(iterations!.Value, settings.Iterations, eta, rungs);
        var setup = new TuneSetup(settings, useDouble, spaces, plan, validation, split.Description);
        using (var study = Study.Open(path))
        {
            var describe = setup.Describe();
            describe["budget"] = seconds is null ? budgetText : string.Create(CultureInfo.InvariantCulture, $"{budgetText} = {iterations} iterations");
            study.Initialize(describe, setup.FirstRung);
        }

        return setup;
    }

    /// <summary>A budget in iterations (returned) or in seconds (<paramref name="seconds"/>, returning null).</summary>
    private static long? ParseBudget(string text, out double? seconds)
    {
        seconds = null;
        string t = text.Trim();
        double factor = t.EndsWith('s') ? 1 : t.EndsWith('m') ? 60 : 0;
        if (factor > 0 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double time) && time > 0 && double.IsFinite(time))
        {
            seconds = time * factor;
            return null;
        }

        if (long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n > 0)
        {
            return n;
        }

        throw new UsageException($"--budget '{text}': expected a positive number of iterations (20000) or a time (90s, 5m).");
    }

    /// <summary>Times a short run of the first optimizer's default to turn a time budget into iterations.</summary>
    private static long Probe(MnistSettings settings, bool useDouble, SearchSpace space, LabData split, double seconds)
    {
        const int Steps = 30;
        var spec = OptimizerSpec.Parse(space.Optimizer);
        double trained = useDouble
            ? TrialRunner.Train(ScaledData<double>.From(split), settings, spec, Steps).Seconds
            : TrialRunner.Train(ScaledData<float>.From(split), settings, spec, Steps).Seconds;
        double perStep = Math.Max(trained, 1e-6) / Steps;
        return Math.Max(1, (long)(seconds / perStep));
    }

    private static RunRecord Report(IAnsiConsole console, string path, TuneSetup setup, LabData train, int seeds, string budgetText)
    {
        IReadOnlyList<Trial> trials;
        using (var study = Study.Open(path))
        {
            trials = study.Trials();
        }

        var tune = new TuneRecord { Study = path, Plan = setup.Plan.ToString(), Budget = budgetText, Data = setup.DataDescription };
        var specs = new List<OptimizerSpec>();
        foreach (var space in setup.Spaces)
        {
            var best = Tuner.Best(trials, space.Optimizer);
            var (spent, bestSoFar) = Tuner.BudgetCurve(trials, space.Optimizer);
            var mine = trials.Where(t => t.Optimizer == space.Optimizer).ToList();
            tune.Optimizers.Add(new TunedOptimizerRecord
            {
                Optimizer = space.Optimizer,
                Space = space.ToString(),
                Default = space.Optimizer,
                Tuned = best?.Spec,
                ValidationLoss = best?.ValidationLoss,
                ValidationAccuracy = best?.ValidationAccuracy,
                Trials = mine.Count,
                Iterations = mine.Sum(t => (long)t.Iterations),
                BudgetSpent = spent,
                BudgetBest = bestSoFar,
            });
            specs.Add(OptimizerSpec.Parse(space.Optimizer) with { Label = space.Optimizer + " default" });
            if (best is not null)
            {
                specs.Add(OptimizerSpec.Parse(best.Spec) with { Label = space.Optimizer + " tuned" });
            }
        }

        console.MarkupLine("Final comparison on the test set: default and tuned configurations, trained on the training split.");
        var settings = setup.Settings;
        var result = SeedRepeats.Run(console, train, settings, specs, setup.UseDouble, seeds, target: null);
        var record = new RunRecord
        {
            Command = "tune",
            Created = RunOutput.Now(),
            Seed = settings.Seed,
            FlushDenormals = settings.FlushDenormals && LabDenormals.IsSupported,
            Settings = MnistOptions.Describe(settings, setup.UseDouble, specs, train.Description),
            Mnist = result,
            Tune = tune,
        };
        record.Settings["study"] = path;
        record.Settings["budget per optimizer"] = budgetText;
        record.Settings["successive halving"] = setup.Plan.ToString();
        record.Settings["search spaces"] = string.Join("  ", setup.Spaces);
        return record;
    }
}
