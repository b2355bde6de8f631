using System.Numerics;
using Descent.Optimizers.Book;

namespace Descent.Optimizers;

/// <summary>Which family of formulas an optimizer follows.</summary>
public enum OptimizerConvention
{
    /// <summary>PyTorch's <c>torch.optim</c>, to the last detail of its defaults and formulas.</summary>
    PyTorch,

    /// <summary><i>Deep Learning from Scratch</i> (ch. 6), in its own operation order.</summary>
    Book,

    /// <summary>Optax's (<c>optax.lion</c>, <c>optax.lamb</c>, …): its defaults, formulas and operation order.</summary>
    Optax,
}

/// <summary>One row of <see cref="OptimizerCatalog"/>: a name, its options and how to build it.</summary>
public sealed class OptimizerInfo
{
    internal OptimizerInfo(string name, string[] aliases, OptimizerConvention convention, string summary, OptimizerOptions defaults, OptimizerDoc doc)
    {
        Doc = doc;
        Name = name;
        Aliases = aliases;
        Convention = convention;
        Summary = summary;
        Defaults = defaults;
    }

    /// <summary>The canonical name: PyTorch's class name (<c>Adam</c>, <c>SGD</c>, <c>RMSprop</c>) or the book's (<c>BookAdam</c>).</summary>
    public string Name { get; }

    /// <summary>Other accepted names, e.g. <c>adam</c>, <c>book-adam</c>. Lookup ignores case, '-' and '_'.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>PyTorch's formulas or the book's.</summary>
    public OptimizerConvention Convention { get; }

    /// <summary>One line on what it is.</summary>
    public string Summary { get; }

    /// <summary>The options a bare name gets (PyTorch's or the book's defaults; the <c>momentum</c> shorthand sets 0.9).</summary>
    public OptimizerOptions Defaults { get; }

    /// <summary>The update as equations, the reference and the conventions (from the optimizer's <c>*.Doc.cs</c> file).</summary>
    public OptimizerDoc Doc { get; }

    /// <summary>Builds the optimizer over <paramref name="parameters"/> with <paramref name="options"/> (of <see cref="Defaults"/>' type).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The options; <see langword="null"/> means <see cref="Defaults"/>.</param>
    /// <returns>The optimizer.</returns>
    public IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters, OptimizerOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= Defaults;
        if (options.GetType() != Defaults.GetType())
        {
            throw new ArgumentException($"{Name} takes {Defaults.GetType().Name}; got {options.GetType().Name}.", nameof(options));
        }

        return options is IOptimizerFactory factory
            ? factory.Create(parameters)
            : throw new InvalidOperationException($"{Name} needs a closure to step; build it with {nameof(CreateClosureOptimizer)}.");
    }

    /// <summary>Whether the optimizer steps through a closure (<see cref="CreateClosureOptimizer{T}"/>) rather than from gradients alone (<see cref="Create{T}"/>).</summary>
    public bool NeedsClosure => Defaults is IClosureOptimizerFactory;

    /// <summary>Builds a closure-driven optimizer (<see cref="NeedsClosure"/>) over <paramref name="parameters"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The options; <see langword="null"/> means <see cref="Defaults"/>.</param>
    /// <returns>The optimizer.</returns>
    public IClosureOptimizer<T> CreateClosureOptimizer<T>(IEnumerable<Parameter<T>> parameters, OptimizerOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= Defaults;
        if (options.GetType() != Defaults.GetType())
        {
            throw new ArgumentException($"{Name} takes {Defaults.GetType().Name}; got {options.GetType().Name}.", nameof(options));
        }

        return options is IClosureOptimizerFactory factory
            ? factory.Create(parameters)
            : throw new InvalidOperationException($"{Name} steps from gradients alone; build it with {nameof(Create)}.");
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// Every optimizer by name, so that the lab (<c>--optimizer adam:lr=0.3</c>), <c>descent verify</c> and the
/// tests build them from text: PyTorch's class names (<c>SGD</c>, <c>Adam</c>, <c>RMSprop</c>) and short
/// lower-case names (<c>sgd</c>, <c>momentum</c>, <c>adam</c>), and the book's (<c>book-adam</c>).
/// </summary>
public static class OptimizerCatalog
{
    private static readonly OptimizerInfo[] Entries =
    [
        Entry("SGD", SgdDoc.Sgd, ["sgd"], "Stochastic gradient descent, optional momentum/Nesterov (torch.optim.SGD)", new SgdOptions()),
        Entry("Momentum", SgdDoc.Momentum, ["momentum", "sgd-momentum"], "torch.optim.SGD with momentum 0.9", new SgdOptions { Momentum = 0.9 }),
        Entry("Nesterov", SgdDoc.Nesterov, ["nesterov", "sgd-nesterov"], "torch.optim.SGD with Nesterov momentum 0.9", new SgdOptions { Momentum = 0.9, Nesterov = true }),
        Entry("Adagrad", AdaGradDoc.Doc, ["adagrad"], "AdaGrad (torch.optim.Adagrad)", new AdaGradOptions()),
        Entry("RMSprop", RmsPropDoc.Doc, ["rmsprop"], "RMSprop, optional centering and momentum (torch.optim.RMSprop)", new RmsPropOptions()),
        Entry("Adam", AdamDoc.Adam, ["adam"], "Adam, optional AMSGrad and decoupled decay (torch.optim.Adam)", new AdamOptions()),
        Entry("AdamW", AdamDoc.AdamW, ["adamw"], "Adam with decoupled weight decay 0.01 (torch.optim.AdamW)", new AdamWOptions()),
        Entry("NAdam", NAdamDoc.Doc, ["nadam"], "Adam with Nesterov momentum (torch.optim.NAdam)", new NAdamOptions()),
        Entry("RAdam", RAdamDoc.Doc, ["radam"], "Rectified Adam (torch.optim.RAdam)", new RAdamOptions()),
        Entry("Adamax", AdamaxDoc.Doc, ["adamax"], "Adam with the infinity norm (torch.optim.Adamax)", new AdamaxOptions()),
        Entry("Adadelta", AdadeltaDoc.Doc, ["adadelta"], "Adadelta (torch.optim.Adadelta)", new AdadeltaOptions()),
        Entry("Rprop", RpropDoc.Doc, ["rprop"], "Resilient backpropagation, sign-based (torch.optim.Rprop)", new RpropOptions()),
        Entry("ASGD", AsgdDoc.Doc, ["asgd"], "Averaged SGD (torch.optim.ASGD)", new AsgdOptions()),
        Entry("Adafactor", AdafactorDoc.Doc, ["adafactor"], "Adafactor, factored second moments for matrices (torch.optim.Adafactor)", new AdafactorOptions()),
        Entry("Lion", LionDoc.Doc, ["lion", "optax.lion"], "Sign of interpolated momentum, decoupled decay (optax.lion)", new LionOptions(), OptimizerConvention.Optax),
        Entry("Lamb", LambDoc.Doc, ["lamb", "optax.lamb"], "Adam with a per-tensor trust ratio ‖θ‖/‖u‖ (optax.lamb)", new LambOptions(), OptimizerConvention.Optax),
        Entry("AdaBelief", AdaBeliefDoc.Doc, ["adabelief", "optax.adabelief"], "Adam scaled by the variance around the predicted gradient (optax.adabelief)", new AdaBeliefOptions(), OptimizerConvention.Optax),
        Entry("Yogi", YogiDoc.Doc, ["yogi", "optax.yogi"], "Adam with an additive, sign-controlled second moment (optax.yogi)", new YogiOptions(), OptimizerConvention.Optax),
        Entry("Muon", MuonDoc.Doc, ["muon", "torch.optim.Muon"], "Momentum orthogonalised by Newton–Schulz, 2-D parameters only (torch.optim.Muon)", new MuonOptions()),
        Entry("ScheduleFreeAdamW", ScheduleFreeDoc.AdamW, ["schedule-free-adamw", "sf-adamw", "optax.contrib.schedule_free_adamw"], "AdamW without a schedule: interpolation and averaging (optax.contrib.schedule_free_adamw)", new ScheduleFreeAdamWOptions(), OptimizerConvention.Optax),
        Entry("ScheduleFreeSGD", ScheduleFreeDoc.Sgd, ["schedule-free-sgd", "sf-sgd", "optax.contrib.schedule_free_sgd"], "SGD without a schedule: interpolation and averaging (optax.contrib.schedule_free_sgd)", new ScheduleFreeSgdOptions(), OptimizerConvention.Optax),
        Entry("Prodigy", ProdigyDoc.Doc, ["prodigy", "optax.contrib.prodigy"], "Learning-rate-free AdamW, d estimated from the distance travelled (optax.contrib.prodigy)", new ProdigyOptions(), OptimizerConvention.Optax),
        Entry("DAdaptAdamW", DAdaptAdamWDoc.Doc, ["dadapt-adamw", "d-adaptation", "optax.contrib.dadapt_adamw"], "Learning-rate-free AdamW by D-Adaptation (optax.contrib.dadapt_adamw)", new DAdaptAdamWOptions(), OptimizerConvention.Optax),
        Entry("ADOPT", AdoptDoc.Doc, ["adopt", "optax.contrib.adopt"], "Adam normalised by the previous second moment, clipped (optax.contrib.adopt)", new AdoptOptions(), OptimizerConvention.Optax),
        Entry("AdEMAMix", AdEMAMixDoc.Doc, ["ademamix", "optax.contrib.ademamix"], "Adam plus a slow, uncorrected moving average (optax.contrib.ademamix)", new AdEMAMixOptions(), OptimizerConvention.Optax),
        Entry("Adan", AdanDoc.Doc, ["adan", "optax.adan"], "Adaptive Nesterov momentum from gradient differences (optax.adan)", new AdanOptions(), OptimizerConvention.Optax),
        Entry("MADGRAD", MadgradDoc.Doc, ["madgrad", "optax.contrib.madgrad"], "Momentumized dual-averaged AdaGrad with a cube root (optax.contrib.madgrad)", new MadgradOptions(), OptimizerConvention.Optax),
        Entry("LARS", LarsDoc.Doc, ["lars", "optax.lars"], "SGD with momentum and a per-tensor trust ratio coef·‖θ‖/‖u‖ (optax.lars)", new LarsOptions(), OptimizerConvention.Optax),
        Entry("NovoGrad", NovoGradDoc.Doc, ["novograd", "optax.novograd"], "Momentum of gradients normalised per tensor (optax.novograd)", new NovoGradOptions(), OptimizerConvention.Optax),
        Entry("SM3", Sm3Doc.Doc, ["sm3", "optax.sm3"], "AdaGrad with per-axis accumulators, sublinear memory (optax.sm3)", new Sm3Options(), OptimizerConvention.Optax),
        Entry("Fromage", FromageDoc.Doc, ["fromage", "optax.fromage"], "Steps of a fixed fraction of each tensor's norm (optax.fromage)", new FromageOptions(), OptimizerConvention.Optax),
        Entry("OptaxAMSGrad", OptaxAmsGradDoc.Doc, ["optax-amsgrad", "optax.amsgrad"], "AMSGrad as Optax: maximum of the corrected second moment (optax.amsgrad)", new OptaxAmsGradOptions(), OptimizerConvention.Optax),
        Entry("OptaxAdafactor", OptaxAdafactorDoc.Doc, ["optax-adafactor", "optax.adafactor"], "Adafactor as Optax: factored RMS, block-RMS clipping, parameter scale (optax.adafactor)", new OptaxAdafactorOptions(), OptimizerConvention.Optax),
        Entry("BookSGD", Book.BookDoc.Sgd, ["book-sgd"], "The book's SGD: θ −= ηg", new BookSgdOptions(), OptimizerConvention.Book),
        Entry("BookMomentum", Book.BookDoc.Momentum, ["book-momentum"], "The book's Momentum: v = μv − ηg; θ += v", new BookMomentumOptions(), OptimizerConvention.Book),
        Entry("BookNesterov", Book.BookDoc.Nesterov, ["book-nesterov"], "The book's Nesterov (Bengio/Sutskever form)", new BookMomentumOptions { Nesterov = true }, OptimizerConvention.Book),
        Entry("BookAdaGrad", Book.BookDoc.AdaGrad, ["book-adagrad"], "The book's AdaGrad: ε = 1e-7 outside the root", new BookAdaGradOptions(), OptimizerConvention.Book),
        Entry("BookRMSprop", Book.BookDoc.RmsProp, ["book-rmsprop"], "The book's RMSprop: ε = 1e-7 outside the root", new BookRmsPropOptions(), OptimizerConvention.Book),
        Entry("BookAdam", Book.BookDoc.Adam, ["book-adam"], "The book's Adam: correction in the rate, ε̂ added to √v (as Keras)", new BookAdamOptions(), OptimizerConvention.Book),
    ];

    /// <summary>Every optimizer whose <see cref="IOptimizer.Step"/> needs only the gradients, PyTorch's first, then the book's.</summary>
    public static IReadOnlyList<OptimizerInfo> All => Entries;

    /// <summary>
    /// L-BFGS (<c>torch.optim.LBFGS</c>), kept out of <see cref="All"/> and <see cref="Find"/> because its step needs a
    /// closure (<see cref="IClosureOptimizer{T}"/>): build it with <see cref="OptimizerInfo.CreateClosureOptimizer{T}"/>,
    /// set options by PyTorch's names (<c>max_iter</c>, <c>history_size</c>, <c>line_search_fn="strong_wolfe"</c>).
    /// </summary>
    public static OptimizerInfo Lbfgs { get; } = new("LBFGS", ["lbfgs", "l-bfgs"], OptimizerConvention.PyTorch,
        "Limited-memory BFGS with optional strong-Wolfe line search (torch.optim.LBFGS); Step(closure)", new LbfgsOptions(), LbfgsDoc.Doc);

    /// <summary>The optimizers whose step needs a closure (<see cref="IClosureOptimizer{T}"/>), apart from <see cref="All"/>.</summary>
    public static IReadOnlyList<OptimizerInfo> ClosureOptimizers { get; } = [Lbfgs];

    /// <summary>Finds an optimizer by name or alias, ignoring case, '-' and '_'.</summary>
    /// <param name="name">E.g. <c>Adam</c>, <c>adam</c>, <c>RMSprop</c>, <c>book-adam</c>.</param>
    /// <returns>The catalog row.</returns>
    /// <exception cref="ArgumentException">No such optimizer; the message lists the valid names.</exception>
    public static OptimizerInfo Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryFind(name, out var info) ? info : throw new ArgumentException(
            $"Unknown optimizer '{name}'. Valid: {string.Join(", ", Entries.Select(e => $"{e.Name} ({string.Join(", ", e.Aliases)})"))}.",
            nameof(name));
    }

    /// <summary>Finds an optimizer by name or alias, ignoring case, '-' and '_'.</summary>
    /// <param name="name">The name.</param>
    /// <param name="info">The row, when found.</param>
    /// <returns>Whether it was found.</returns>
    public static bool TryFind(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OptimizerInfo? info)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = Normalize(name);
        info = Entries.FirstOrDefault(e => Normalize(e.Name) == key || e.Aliases.Any(a => Normalize(a) == key));
        return info is not null;
    }

    private static string Normalize(string name) =>
        name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>A row: the options record is the factory (<see cref="IOptimizerFactory"/>), so one generic call builds either precision.</summary>
    private static OptimizerInfo Entry<TOptions>(string name, OptimizerDoc doc, string[] aliases, string summary, TOptions defaults, OptimizerConvention convention = OptimizerConvention.PyTorch)
        where TOptions : OptimizerOptions, IOptimizerFactory =>
        new(name, aliases, convention, summary, defaults, doc);
}
