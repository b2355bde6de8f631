#region README catalog
using Descent;
using Descent.Configuration;   // the text forms: specifications and options by name
using Descent.Optimizers;

#endregion
namespace Samples;

/// <summary>The README's catalog example: optimizers and their options by name.</summary>
public static class ByName
{
    /// <summary>Runs the example; returns what the catalog built and found.</summary>
    public static (IOptimizer<double> Optimizer, OptimizerInfo Info, OptimizerOptions Options) Run()
    {
        #region README catalog
        Parameter<double>[] parameters = [new("xy", [-7.0, 2.0])];
        IOptimizer<double> opt = OptimizerCatalog.Create<double>("adam:lr=0.3,betas=[0.9,0.99],amsgrad=true", parameters);
        var info = OptimizerCatalog.Find("RMSprop");            // PyTorch class names, lower-case short names, book-… names
        var options = info.Options([new("lr", "0.01"), new("Centered", "true")]);   // PyTorch or .NET option names
        #endregion
        return (opt, info, options);
    }
}
