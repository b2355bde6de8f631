using System.Numerics;

namespace Descent.Optimizers;

/// <summary>
/// Options that build their optimizer, in either precision: the catalog's one generic factory
/// (<see cref="OptimizerInfo.Create{T}"/>). Each options record of a gradient-only optimizer implements it in
/// one line, e.g. <c>public IOptimizer&lt;T&gt; Create&lt;T&gt;(IEnumerable&lt;Parameter&lt;T&gt;&gt; parameters) where T : … =&gt; new Adam&lt;T&gt;(parameters, this);</c>.
/// </summary>
public interface IOptimizerFactory
{
    /// <summary>Builds the optimizer these options configure over <paramref name="parameters"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The optimizer.</returns>
    IOptimizer<T> Create<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
