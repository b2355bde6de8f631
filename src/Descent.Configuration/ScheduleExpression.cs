using System.Globalization;
using Descent.Schedules;

namespace Descent.Configuration;

/// <summary>
/// Reads schedules written the way PyTorch constructs them, so configurations and reference files can
/// name them in one line: <c>StepLR(step_size=7, gamma=0.5)</c>, <c>CosineAnnealingLR(T_max=20, eta_min=0.001)</c>,
/// <c>CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=5, mode=triangular2)</c>,
/// <c>SequentialLR(LinearLR(0.01, 1.0, 5) then CosineAnnealingLR(T_max=55), milestones=[5])</c>,
/// <c>ChainedScheduler([ConstantLR(0.5, 4), ExponentialLR(0.9)])</c>, <c>WarmupCosine(5, 100)</c>,
/// <c>WarmupStableDecay(5, 50, 20, shape=sqrt)</c>.
/// </summary>
/// <remarks>
/// <c>StepLR:step_size=7,gamma=0.5</c> is the same as <c>StepLR(step_size=7, gamma=0.5)</c>, as for optimizers
/// (<see cref="OptimizerSpecifications"/>). Arguments are positional in PyTorch's order or named with PyTorch's names; strings may be quoted or
/// bare. <c>LambdaLR</c> and <c>MultiplicativeLR</c> take code and cannot be written this way.
/// </remarks>
public static class ScheduleExpression
{
    /// <summary>Parses a schedule expression.</summary>
    /// <param name="text">The expression.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="FormatException">The text is not a schedule expression; the message says where and why.</exception>
    /// <exception cref="ArgumentException">A setting is invalid (from the schedule's constructor).</exception>
    public static LearningRateSchedule Parse(string text)
    {
        var call = Read(text);
        return call.Value as LearningRateSchedule ?? throw new FormatException($"'{text}' is {call.Name}, not a learning-rate schedule.");
    }

    /// <summary>Parses <c>ReduceLROnPlateau(mode=min, factor=0.5, patience=2, ...)</c> into its settings.</summary>
    /// <param name="text">The expression.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="FormatException">The text is not a ReduceLROnPlateau expression.</exception>
    public static PlateauOptions ParsePlateau(string text)
    {
        var call = Read(text);
        return call.Value as PlateauOptions ?? throw new FormatException($"'{text}' is {call.Name}, not ReduceLROnPlateau.");
    }

    private static Call Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // One syntax with optimizer specifications: name:key=value,... is shorthand for name(key=value, ...).
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        int paren = text.IndexOf('(', StringComparison.Ordinal);
        if (colon > 0 && (paren < 0 || colon < paren))
        {
            text = $"{text[..colon]}({text[(colon + 1)..]})";
        }

        var parser = new Parser(text);
        var value = parser.ReadValue();
        parser.ExpectEnd();
        return value as Call ?? throw new FormatException($"'{text}' is not a call such as StepLR(step_size=7).");
    }

    private static object Build(string name, List<object> positional, Dictionary<string, object> named)
    {
        var a = new Arguments(name, positional, named);
        object result = name switch
        {
            "StepLR" => new StepSchedule(a.Int("step_size"), a.Double("gamma", 0.1)),
            "MultiStepLR" => new MultiStepSchedule(a.Ints("milestones"), a.Double("gamma", 0.1)),
            "ExponentialLR" => new ExponentialSchedule(a.Double("gamma")),
            "CosineAnnealingLR" => new CosineAnnealingSchedule(a.Int("T_max"), a.Double("eta_min", 0)),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestartsSchedule(a.Int("T_0"), a.Int("T_mult", 1), a.Double("eta_min", 0)),
            "LinearLR" => new LinearSchedule(a.Double("start_factor", 1.0 / 3), a.Double("end_factor", 1.0), a.Int("total_iters", 5)),
            "ConstantLR" => new ConstantSchedule(a.Double("factor", 1.0 / 3), a.Int("total_iters", 5)),
            "PolynomialLR" => new PolynomialSchedule(a.Int("total_iters", 5), a.Double("power", 1.0)),
            "OneCycleLR" => OneCycle(a),
            "CyclicLR" => Cyclic(a),
            "SequentialLR" => new SequentialSchedule(a.Schedules("schedulers"), a.Ints("milestones")),
            "ChainedScheduler" => new ChainedSchedule(a.Schedules("schedulers")),
            "WarmupCosine" => new WarmupCosineSchedule(a.Int("warmup_steps"), a.Int("total_steps"), a.Double("warmup_start_factor", 0), a.Double("final_factor", 0)),
            "WarmupStableDecay" => new WarmupStableDecaySchedule(
                a.Int("warmup_steps"),
                a.Int("stable_steps"),
                a.Int("decay_steps"),
                a.Choice("shape", "linear", ("linear", DecayShape.Linear), ("cos", DecayShape.Cosine), ("cosine", DecayShape.Cosine), ("sqrt", DecayShape.InverseSquareRoot)),
                a.Double("warmup_start_factor", 0),
                a.Double("final_factor", 0)),
            "ReduceLROnPlateau" => Plateau(a),
            "LambdaLR" or "MultiplicativeLR" => throw new FormatException($"{name} takes a function; build a {(name == "LambdaLR" ? nameof(LambdaSchedule) : nameof(MultiplicativeSchedule))} in code instead."),
            _ => throw new FormatException($"Unknown schedule '{name}'. Known: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, LinearLR, ConstantLR, PolynomialLR, OneCycleLR, CyclicLR, SequentialLR, ChainedScheduler, WarmupCosine, WarmupStableDecay, ReduceLROnPlateau."),
        };
        a.CheckAllUsed();
        return result;
    }

    private static OneCycleSchedule OneCycle(Arguments a)
    {
        double maxRate = a.Double("max_lr");
        int? total = a.OptionalInt("total_steps");
        int? epochs = a.OptionalInt("epochs");
        int? perEpoch = a.OptionalInt("steps_per_epoch");
        int steps = total ?? (epochs is int e && perEpoch is int s
            ? checked(e * s)
            : throw new FormatException("OneCycleLR needs total_steps, or both epochs and steps_per_epoch."));
        return new OneCycleSchedule(
            maxRate,
            steps,
            a.Double("pct_start", 0.3),
            a.Choice("anneal_strategy", "cos", ("cos", AnnealStrategy.Cosine), ("linear", AnnealStrategy.Linear)),
            a.Bool("cycle_momentum", true),
            a.Double("base_momentum", 0.85),
            a.Double("max_momentum", 0.95),
            a.Double("div_factor", 25.0),
            a.Double("final_div_factor", 1e4),
            a.Bool("three_phase", false));
    }

    private static CyclicSchedule Cyclic(Arguments a)
    {
        double baseRate = a.Double("base_lr");
        double maxRate = a.Double("max_lr");
        int up = a.Int("step_size_up", 2000);
        int? down = a.OptionalInt("step_size_down");
        var mode = a.Choice("mode", "triangular", ("triangular", CyclicMode.Triangular), ("triangular2", CyclicMode.Triangular2), ("exp_range", CyclicMode.ExponentialRange));
        double gamma = a.Double("gamma", 1.0);
        a.NotCode("scale_fn");
        _ = a.Choice("scale_mode", "cycle", ("cycle", 0), ("iterations", 1)); // PyTorch ignores it without scale_fn
        return new CyclicSchedule(
            baseRate, maxRate, up, down, mode, gamma,
            cycleMomentum: a.Bool("cycle_momentum", true),
            baseMomentum: a.Double("base_momentum", 0.8),
            maxMomentum: a.Double("max_momentum", 0.9));
    }

    private static PlateauOptions Plateau(Arguments a)
    {
        var options = new PlateauOptions
        {
            Mode = a.Choice("mode", "min", ("min", PlateauMode.Minimize), ("max", PlateauMode.Maximize)),
            Factor = a.Double("factor", 0.1),
            Patience = a.Int("patience", 10),
            Threshold = a.Double("threshold", 1e-4),
            ThresholdMode = a.Choice("threshold_mode", "rel", ("rel", ThresholdMode.Relative), ("abs", ThresholdMode.Absolute)),
            Cooldown = a.Int("cooldown", 0),
            MinimumRate = a.Double("min_lr", 0),
            Epsilon = a.Double("eps", 1e-8),
        };
        options.Validate();
        return options;
    }

    /// <summary>Python's None: the argument's default.</summary>
    private static readonly object None = new();

    private sealed record Call(string Name, object Value);

    private sealed class Arguments(string name, List<object> positional, Dictionary<string, object> named)
    {
        private static readonly Dictionary<string, string[]> Order = new(StringComparer.Ordinal)
        {
            ["StepLR"] = ["step_size", "gamma"],
            ["MultiStepLR"] = ["milestones", "gamma"],
            ["ExponentialLR"] = ["gamma"],
            ["CosineAnnealingLR"] = ["T_max", "eta_min"],
            ["CosineAnnealingWarmRestarts"] = ["T_0", "T_mult", "eta_min"],
            ["LinearLR"] = ["start_factor", "end_factor", "total_iters"],
            ["ConstantLR"] = ["factor", "total_iters"],
            ["PolynomialLR"] = ["total_iters", "power"],
            ["OneCycleLR"] = ["max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy", "cycle_momentum", "base_momentum", "max_momentum", "div_factor", "final_div_factor", "three_phase"],
            ["CyclicLR"] = ["base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma", "scale_fn", "scale_mode", "cycle_momentum", "base_momentum", "max_momentum"],
            ["SequentialLR"] = ["schedulers", "milestones"],
            ["ChainedScheduler"] = ["schedulers"],
            ["WarmupCosine"] = ["warmup_steps", "total_steps", "warmup_start_factor", "final_factor"],
            ["WarmupStableDecay"] = ["warmup_steps", "stable_steps", "decay_steps", "shape", "warmup_start_factor", "final_factor"],
            ["ReduceLROnPlateau"] = ["mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"],
        };

        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public double Double(string key, double? fallback = null) => Get(key) switch
        {
            null when fallback is double d => d,
            null => throw Missing(key),
            double d => d,
            var other => throw Wrong(key, other, "a number"),
        };

        public int Int(string key, int? fallback = null) => OptionalInt(key) ?? fallback ?? throw Missing(key);

        public int? OptionalInt(string key) => Get(key) switch
        {
            null => null,
            double d when d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue => (int)d,
            var other => throw Wrong(key, other, "an integer"),
        };

        public bool Bool(string key, bool fallback) => Get(key) switch
        {
            null => fallback,
            bool b => b,
            var other => throw Wrong(key, other, "True or False"),
        };

        public int[] Ints(string key) => Get(key) switch
        {
            null => throw Missing(key),
            List<object> list => [.. list.Select(v => v is double d && d == Math.Floor(d) ? (int)d : throw Wrong(key, v, "a list of integers"))],
            var other => throw Wrong(key, other, "a list of integers"),
        };

        public LearningRateSchedule[] Schedules(string key) => Get(key) switch
        {
            null => throw Missing(key),
            List<object> list => [.. list.Select(v => (v as Call)?.Value as LearningRateSchedule ?? throw Wrong(key, v, "a list of schedules"))],
            var other => throw Wrong(key, other, "a list of schedules"),
        };

        public TEnum Choice<TEnum>(string key, string fallback, params (string Text, TEnum Value)[] choices)
        {
            string text = Get(key) switch
            {
                null => fallback,
                string s => s,
                var other => throw Wrong(key, other, "one of " + string.Join(", ", choices.Select(c => c.Text))),
            };
            foreach (var (t, v) in choices)
            {
                if (t == text)
                {
                    return v;
                }
            }

            throw new FormatException($"{name}: {key} must be one of {string.Join(", ", choices.Select(c => c.Text))}; got '{text}'.");
        }

        public void NotCode(string key)
        {
            if (Get(key) is not null)
            {
                throw new FormatException($"{name}: {key} takes code and cannot be written in an expression.");
            }
        }

        public void CheckAllUsed()
        {
            var known = Order.GetValueOrDefault(name) ?? [];
            if (positional.Count > known.Length)
            {
                throw new FormatException($"{name} takes at most {known.Length} positional argument(s) ({string.Join(", ", known)}); got {positional.Count}.");
            }

            foreach (string key in named.Keys)
            {
                if (!_used.Contains(key))
                {
                    throw new FormatException($"{name} has no argument '{key}'. Its arguments: {string.Join(", ", known)}.");
                }
            }
        }

        private object? Get(string key)
        {
            _used.Add(key);
            int index = Array.IndexOf(Order[name], key);
            bool byPosition = index >= 0 && index < positional.Count;
            bool byName = named.TryGetValue(key, out var value);
            if (byPosition && byName)
            {
                throw new FormatException($"{name}: {key} is given both by position and by name.");
            }

            object? found = byName ? value : byPosition ? positional[index] : null;
            return ReferenceEquals(found, None) ? null : found;
        }

        private FormatException Missing(string key) => new($"{name} needs {key}.");

        private FormatException Wrong(string key, object value, string expected) =>
            new($"{name}: {key} must be {expected}; got {Describe(value)}.");

        private static string Describe(object value) => value switch
        {
            double d => Guard.Format(d),
            string s => $"'{s}'",
            Call c => c.Name + "(...)",
            List<object> => "a list",
            _ => value.ToString() ?? "?",
        };
    }

    private sealed class Parser(string text)
    {
        private int _at;

        public object ReadValue()
        {
            SkipSpace();
            if (_at >= text.Length)
            {
                throw Error("a value");
            }

            char c = text[_at];
            object value;
            if (c == '[')
            {
                _at++;
                var list = new List<object>();
                SkipSpace();
                if (!TryConsume(']'))
                {
                    do
                    {
                        list.Add(ReadValue());
                    }
                    while (TryConsume(','));
                    Expect(']');
                }

                value = list;
            }
            else if (c is '\'' or '"')
            {
                _at++;
                int end = text.IndexOf(c, _at);
                if (end < 0)
                {
                    throw Error($"a closing {c}");
                }

                value = text[_at..end];
                _at = end + 1;
            }
            else if (char.IsDigit(c) || c is '-' or '+' or '.')
            {
                int start = _at;
                while (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] is '-' or '+' or '.' or 'e' or 'E'))
                {
                    _at++;
                }

                string number = text[start.._at];
                value = double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    ? d
                    : throw new FormatException($"'{number}' at position {start} of '{text}' is not a number.");
            }
            else if (char.IsLetter(c) || c == '_')
            {
                string word = ReadWord();
                SkipSpace();
                if (TryConsume('('))
                {
                    value = ReadCall(word);
                }
                else
                {
                    value = word switch
                    {
                        "True" or "true" => true,
                        "False" or "false" => false,
                        "inf" => double.PositiveInfinity,
                        "None" => None,
                        _ => word,
                    };
                }
            }
            else
            {
                throw Error("a value");
            }

            // "A then B then C" is a list of schedules (the reference file writes SequentialLR that way).
            if (value is Call && PeekWord("then"))
            {
                var chain = new List<object> { value };
                while (PeekWord("then"))
                {
                    ReadWord();
                    chain.Add(ReadValue() is Call next ? next : throw Error("a schedule after 'then'"));
                }

                return chain;
            }

            return value;
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_at != text.Length)
            {
                throw Error("the end");
            }
        }

        private Call ReadCall(string name)
        {
            var positional = new List<object>();
            var named = new Dictionary<string, object>(StringComparer.Ordinal);
            SkipSpace();
            if (!TryConsume(')'))
            {
                do
                {
                    SkipSpace();
                    int mark = _at;
                    string? key = null;
                    if (_at < text.Length && (char.IsLetter(text[_at]) || text[_at] == '_'))
                    {
                        string word = ReadWord();
                        SkipSpace();
                        if (TryConsume('='))
                        {
                            key = word;
                        }
                        else
                        {
                            _at = mark;
                        }
                    }

                    object arg = ReadValue();
                    if (key is null)
                    {
                        if (named.Count > 0)
                        {
                            throw new FormatException($"{name}: a positional argument follows a named one in '{text}'.");
                        }

                        positional.Add(arg);
                    }
                    else if (!named.TryAdd(key, arg))
                    {
                        throw new FormatException($"{name}: {key} is given twice in '{text}'.");
                    }
                }
                while (TryConsume(','));
                Expect(')');
            }

            return new Call(name, Build(name, positional, named));
        }

        private string ReadWord()
        {
            SkipSpace();
            int start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_'))
            {
                _at++;
            }

            return text[start.._at];
        }

        private bool PeekWord(string word)
        {
            SkipSpace();
            return string.CompareOrdinal(text, _at, word, 0, word.Length) == 0
                && (_at + word.Length == text.Length || !char.IsLetterOrDigit(text[_at + word.Length]));
        }

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error($"'{c}'");
            }
        }

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private FormatException Error(string expected) =>
            new($"Expected {expected} at position {_at} of '{text}'{(_at < text.Length ? $", found '{text[_at]}'" : string.Empty)}.");
    }
}
