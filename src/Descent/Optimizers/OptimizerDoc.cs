using System.Globalization;

namespace Descent.Optimizers;

/// <summary>
/// What <c>descent explain</c> and the reports say about an optimizer: its update in the code's operation order,
/// the paper and the implementation it matches, and where the frameworks' conventions differ for it. Each row of
/// <see cref="OptimizerCatalog"/> carries one, written in a <c>*.Doc.cs</c> file beside the optimizer's own file.
/// </summary>
/// <remarks>
/// Equations (<see cref="UpdateLine.Math"/>, <see cref="OneLine"/>) are Unicode with two marks so that one text renders
/// both in a terminal and in HTML: <c>_x</c> or <c>_{…}</c> is a subscript and <c>^x</c> or <c>^{…}</c> a superscript
/// (see <see cref="EquationText"/>). Prose (conditions, notes) is plain Unicode, since it names options such as
/// <c>weight_decay</c>.
/// </remarks>
public sealed class OptimizerDoc
{
    /// <summary>The update, one assignment or definition per line, in the order the code computes them.</summary>
    public required IReadOnlyList<UpdateLine> Update { get; init; }

    /// <summary>The update in one line, marked up, for the reports' list of optimizers.</summary>
    public required string OneLine { get; init; }

    /// <summary>The paper and the implementation this one matches.</summary>
    public required OptimizerReference Reference { get; init; }

    /// <summary>Where PyTorch, Optax, Keras and the book differ for this optimizer; at least one note.</summary>
    public required IReadOnlyList<ConventionNote> Conventions { get; init; }
}

/// <summary>One line of an update.</summary>
/// <param name="Math">The equation, marked up (see <see cref="EquationText"/>).</param>
/// <param name="When">The option or step it depends on, plain text (e.g. <c>nesterov</c>, <c>weight_decay λ ≠ 0</c>), or <see langword="null"/> when always.</param>
public sealed record UpdateLine(string Math, string? When = null);

/// <summary>The paper an optimizer comes from and the implementation it matches.</summary>
/// <param name="Authors">E.g. <c>Kingma and Ba</c>.</param>
/// <param name="Title">The title (for a lecture or a book, its name and where it appeared).</param>
/// <param name="Year">The year of publication.</param>
/// <param name="ArXiv">The arXiv identifier, or <see langword="null"/> when there is none.</param>
/// <param name="Implementation">The implementation this code matches, e.g. <c>torch.optim.Adam (PyTorch 2.11)</c>.</param>
public sealed record OptimizerReference(string Authors, string Title, int Year, string? ArXiv, string Implementation)
{
    /// <summary>Authors, year, title and arXiv id in one line.</summary>
    public string Citation => string.Create(CultureInfo.InvariantCulture,
        $"{Authors} ({Year}), \"{Title}\"{(ArXiv is null ? string.Empty : ", arXiv:" + ArXiv)}");
}

/// <summary>What a convention note is about.</summary>
public enum ConventionTopic
{
    /// <summary>Where ε enters: inside or outside the root, before or after the bias correction.</summary>
    Epsilon,

    /// <summary>Bias correction of the moments, or folded into the rate, or none.</summary>
    BiasCorrection,

    /// <summary>Weight decay as L2 in the gradient (coupled) or applied to θ directly (decoupled), and by what it is scaled.</summary>
    WeightDecay,

    /// <summary>Where the learning rate sits in a momentum buffer (v ← μv + g; θ ← θ − ηv, or v ← μv − ηg; θ ← θ + v).</summary>
    MomentumForm,

    /// <summary>The form of the Nesterov look-ahead.</summary>
    Nesterov,

    /// <summary>Defaults that differ between frameworks.</summary>
    Defaults,

    /// <summary>Anything else: a framework's own variant of the formula.</summary>
    Formula,
}

/// <summary>One difference between frameworks, optionally with a small example run both ways.</summary>
/// <param name="Topic">What it is about.</param>
/// <param name="Text">The difference, in one or two sentences.</param>
/// <param name="Example">Two configurations from the catalog to run side by side, or <see langword="null"/> when the catalog holds only one side.</param>
public sealed record ConventionNote(ConventionTopic Topic, string Text, ConventionExample? Example = null);

/// <summary>
/// Two optimizers from the catalog run for a few steps on the same tiny problem (<see cref="ConventionProblem"/>),
/// so that the effect of a convention is shown by running the real code, not stated.
/// </summary>
/// <param name="Left">The first side's label, e.g. <c>torch.optim.SGD(momentum=0.9)</c>.</param>
/// <param name="LeftOptions">Its options (the record is its factory).</param>
/// <param name="Right">The second side's label.</param>
/// <param name="RightOptions">Its options.</param>
/// <param name="LearningRates">The rate at each step (its length is the number of steps); a change mid-way shows where the rate sits.</param>
public sealed record ConventionExample(string Left, OptimizerOptions LeftOptions, string Right, OptimizerOptions RightOptions, IReadOnlyList<double> LearningRates);
