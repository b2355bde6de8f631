using Descent.Optimizers;
using Descent.Optimizers.Book;

namespace Descent.Tests.Optimizers;

/// <summary>Every invalid hyperparameter is refused at the boundary, naming the option, the value and what is allowed.</summary>
public class OptimizerValidationTests
{
    /// <summary>Optimizer, option (PyTorch name), bad value, the .NET option name the message must carry.</summary>
    public static TheoryData<string, string, string, string> Invalid => new()
    {
        { "SGD", "lr", "-0.1", "LearningRate" },
        { "SGD", "lr", "NaN", "LearningRate" },
        { "SGD", "lr", "Infinity", "LearningRate" },
        { "SGD", "momentum", "-0.5", "Momentum" },
        { "SGD", "dampening", "-1", "Dampening" },
        { "SGD", "weight_decay", "-0.01", "WeightDecay" },
        { "SGD", "nesterov", "true", "Nesterov" },
        { "Momentum", "nesterov=true,dampening", "0.1", "Nesterov" },
        { "Adagrad", "lr", "-1", "LearningRate" },
        { "Adagrad", "lr_decay", "-0.1", "LearningRateDecay" },
        { "Adagrad", "weight_decay", "-0.1", "WeightDecay" },
        { "Adagrad", "initial_accumulator_value", "-0.1", "InitialAccumulatorValue" },
        { "Adagrad", "eps", "-1e-10", "Epsilon" },
        { "RMSprop", "lr", "-1", "LearningRate" },
        { "RMSprop", "alpha", "-0.9", "Alpha" },
        { "RMSprop", "eps", "-1", "Epsilon" },
        { "RMSprop", "weight_decay", "-1", "WeightDecay" },
        { "RMSprop", "momentum", "-0.1", "Momentum" },
        { "Adam", "lr", "-0.001", "LearningRate" },
        { "Adam", "eps", "-1e-8", "Epsilon" },
        { "Adam", "betas", "[1.0, 0.999]", "Beta1" },
        { "Adam", "betas", "[-0.1, 0.999]", "Beta1" },
        { "Adam", "betas", "[0.9, 1.0]", "Beta2" },
        { "Adam", "weight_decay", "-0.1", "WeightDecay" },
        { "AdamW", "decoupled_weight_decay", "false", "DecoupledWeightDecay" },
        { "AdamW", "betas", "[0.9, 1.5]", "Beta2" },
        { "NAdam", "lr", "-1", "LearningRate" },
        { "NAdam", "eps", "-1", "Epsilon" },
        { "NAdam", "betas", "[1.0, 0.999]", "Beta1" },
        { "NAdam", "weight_decay", "-1", "WeightDecay" },
        { "NAdam", "momentum_decay", "-0.004", "MomentumDecay" },
        { "RAdam", "lr", "-1", "LearningRate" },
        { "RAdam", "eps", "-1", "Epsilon" },
        { "RAdam", "betas", "[0.9, -0.1]", "Beta2" },
        { "RAdam", "weight_decay", "-1", "WeightDecay" },
        { "Adamax", "lr", "-1", "LearningRate" },
        { "Adamax", "eps", "-1", "Epsilon" },
        { "Adamax", "betas", "[1.1, 0.999]", "Beta1" },
        { "Adamax", "weight_decay", "-1", "WeightDecay" },
        { "Adadelta", "lr", "-1", "LearningRate" },
        { "Adadelta", "rho", "1.1", "Rho" },
        { "Adadelta", "rho", "-0.1", "Rho" },
        { "Adadelta", "eps", "-1", "Epsilon" },
        { "Adadelta", "weight_decay", "-1", "WeightDecay" },
        { "Rprop", "lr", "-1", "LearningRate" },
        { "Rprop", "etas", "[1.5, 1.2]", "Etas" },
        { "Rprop", "etas", "[0.5, 0.9]", "Etas" },
        { "Rprop", "etas", "[0, 1.2]", "Etas" },
        { "Rprop", "step_sizes", "[-1, 50]", "StepSizes" },
        { "Rprop", "step_sizes", "[1, 0.5]", "StepSizes" },
        { "ASGD", "lr", "-1", "LearningRate" },
        { "ASGD", "weight_decay", "-1", "WeightDecay" },
        { "ASGD", "lambd", "-1", "Lambda" },
        { "ASGD", "alpha", "-1", "Alpha" },
        { "ASGD", "t0", "-1", "T0" },
        { "Lion", "learning_rate", "-1", "LearningRate" },
        { "Lion", "b1", "1.5", "Beta1" },
        { "Lion", "b1", "-0.1", "Beta1" },
        { "Lion", "b2", "1.0", "Beta2" },
        { "Lion", "weight_decay", "-0.1", "WeightDecay" },
        { "Lamb", "lr", "-1", "LearningRate" },
        { "Lamb", "b1", "1.0", "Beta1" },
        { "Lamb", "betas", "[0.9, 1.0]", "Beta2" },
        { "Lamb", "eps", "-1e-6", "Epsilon" },
        { "Lamb", "eps_root", "-1", "EpsilonRoot" },
        { "Lamb", "weight_decay", "NaN", "WeightDecay" },
        { "AdaBelief", "lr", "Infinity", "LearningRate" },
        { "AdaBelief", "b1", "-0.5", "Beta1" },
        { "AdaBelief", "b2", "1.0", "Beta2" },
        { "AdaBelief", "eps", "-1", "Epsilon" },
        { "AdaBelief", "eps_root", "-1e-16", "EpsilonRoot" },
        { "Yogi", "lr", "-0.01", "LearningRate" },
        { "Yogi", "b1", "1.0", "Beta1" },
        { "Yogi", "b2", "2", "Beta2" },
        { "Yogi", "eps", "-1e-3", "Epsilon" },
        { "Yogi", "eps_root", "-1", "EpsilonRoot" },
        { "Yogi", "initial_accumulator_value", "0", "InitialAccumulatorValue" },
        { "BookSGD", "lr", "-1", "LearningRate" },
        { "BookMomentum", "momentum", "1.0", "Momentum" },
        { "BookMomentum", "lr", "-1", "LearningRate" },
        { "BookNesterov", "momentum", "-0.1", "Momentum" },
        { "BookAdaGrad", "eps", "-1", "Epsilon" },
        { "BookRMSprop", "decay_rate", "1.5", "DecayRate" },
        { "BookRMSprop", "eps", "-1", "Epsilon" },
        { "BookAdam", "betas", "[0.9, 1.0]", "Beta2" },
        { "BookAdam", "eps", "-1", "Epsilon" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidHyperparameter_IsRejected_NamingOptionValueAndRange(string optimizer, string option, string value, string dotnetName)
    {
        var (_, pairs) = OptimizerCatalog.Parse($"{optimizer}:{option}={value}");
        var info = OptimizerCatalog.Find(optimizer);
        var ex = Assert.ThrowsAny<ArgumentException>(() => info.Options(pairs));
        Assert.Contains(dotnetName, ex.Message, StringComparison.Ordinal);
        Assert.Equal(dotnetName, ex.ParamName);
        Assert.Matches(@"must|requires", ex.Message);
    }

    [Fact]
    public void InvalidValue_MessageCarriesTheValueAndTheRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<double>([], new AdamOptions { Beta2 = 1.0 }));
        Assert.Contains("Beta2 must be in [0, 1); got 1.", ex.Message, StringComparison.Ordinal);
        var lr = Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<float>([], new RmsPropOptions { LearningRate = -0.5 }));
        Assert.Contains("got -0.5", lr.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidGroupOptions_AreRejected_AndSchedulesCannotSetANegativeRate()
    {
        var adam = new Adam<double>([new Parameter<double>("w", [1.0])]);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.AddGroup([new Parameter<double>("b", [1.0])], new AdamOptions { Epsilon = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.Groups[0].LearningRate = -1e-3);
        var adamW = new AdamW<double>([new Parameter<double>("w", [1.0])]);
        Assert.Throws<ArgumentException>(() => adamW.AddGroup([new Parameter<double>("b", [1.0])], new AdamOptions()));
    }

    [Fact]
    public void UnknownOptimizer_ListsTheValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => OptimizerCatalog.Find("adamm"));
        Assert.Contains("'adamm'", ex.Message, StringComparison.Ordinal);
        foreach (var info in OptimizerCatalog.All)
        {
            Assert.Contains(info.Name, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownOption_ListsTheValidOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => OptimizerCatalog.Create<double>("adam:lr=0.1,momentum=0.9", []));
        Assert.Contains("'momentum'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lr, betas, eps, weight_decay, amsgrad, maximize, decoupled_weight_decay", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sgd:lr=fast", "number")]
    [InlineData("sgd:nesterov=maybe", "true or false")]
    [InlineData("adam:betas=[0.9]", "two numbers")]
    [InlineData("adam:lr", "name=value")]
    public void BadValue_SaysWhatTheOptionTakes(string specification, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => OptimizerCatalog.Create<float>(specification, []));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_AcceptsPyTorchAndDotNetNames_AndShortNames()
    {
        var a = (AdamOptions)OptimizerCatalog.Find("Adam").Options([new("lr", "0.3"), new("betas", "(0.8, 0.99)"), new("amsgrad", "True")]);
        var b = (AdamOptions)OptimizerCatalog.Find("adam").Options([new("LearningRate", "0.3"), new("Beta1", "0.8"), new("beta2", "0.99"), new("AmsGrad", "true")]);
        Assert.Equal(a, b);
        Assert.Equal(new AdamOptions { LearningRate = 0.3, Beta1 = 0.8, Beta2 = 0.99, AmsGrad = true }, a);
        Assert.Same(OptimizerCatalog.Find("RMSprop"), OptimizerCatalog.Find("rmsprop"));
        Assert.Same(OptimizerCatalog.Find("BookAdam"), OptimizerCatalog.Find("book_adam"));
        Assert.IsType<Sgd<float>>(OptimizerCatalog.Create<float>("momentum:lr=0.01", []));
        Assert.Equal(0.9, ((SgdOptions)OptimizerCatalog.Find("momentum").Defaults).Momentum);
        Assert.IsType<BookNesterov<double>>(OptimizerCatalog.Create<double>("book-nesterov", []));
        var rprop = (RpropOptions)OptimizerCatalog.Find("Rprop").Options([new("etas", "[0.4, 1.3]"), new("step_sizes", "[0.001, 1]")]);
        Assert.Equal((0.4, 1.3), rprop.Etas);
        Assert.Equal((0.001, 1.0), rprop.StepSizes);
        var asgd = (AsgdOptions)OptimizerCatalog.Find("ASGD").Options([new("lambd", "0.01"), new("t0", "5.0")]);
        Assert.Equal(0.01, asgd.Lambda);
        Assert.Equal(5.0, asgd.T0);
    }
}

/// <summary>Tests that would have caught the seed's two bugs.</summary>
public class SeedRegressionTests
{
    [Fact]
    public void BookMomentum_MultipliesTheVelocity_NotAddsTheCoefficient()
    {
        // v₁ = −0.1, v₂ = 0.5·(−0.1) − 0.1 = −0.15: θ₂ = 1 − 0.25. The seed's `momentum + v` gives θ₂ = 1 + 0.2.
        var w = new Parameter<double>("w", [1.0]);
        var momentum = new BookMomentum<double>([w], new BookMomentumOptions { LearningRate = 0.1, Momentum = 0.5 });
        w.Gradient.Span[0] = 1;
        momentum.Step();
        Assert.Equal(0.9, w.Value.Span[0], 15);
        momentum.Step();
        Assert.Equal(0.75, w.Value.Span[0], 15);
        momentum.Step();
        Assert.Equal(0.75 - 0.175, w.Value.Span[0], 15);
    }

    [Fact]
    public void PyTorchMomentum_MultipliesTheBuffer()
    {
        var w = new Parameter<double>("w", [1.0]);
        var sgd = new Sgd<double>([w], new SgdOptions { LearningRate = 0.1, Momentum = 0.5 });
        w.Gradient.Span[0] = 1;
        sgd.Step();
        sgd.Step();
        sgd.Step();
        Assert.Equal(1 - (0.1 * (1 + 1.5 + 1.75)), w.Value.Span[0], 15);
    }

    [Theory]
    [InlineData("book-adagrad")]
    [InlineData("adagrad")]
    public void AdaGrad_UpdatesOnEveryCall_NotOnlyTheFirst(string name)
    {
        // With g = 1 throughout, step t moves by η/√t: the seed's AdaGrad stopped after the first.
        var w = new Parameter<double>("w", [0.0]);
        var optimizer = OptimizerCatalog.Create(name + ":lr=1", [w]);
        double expected = 0;
        for (int t = 1; t <= 5; t++)
        {
            w.Gradient.Span[0] = 1;
            double before = w.Value.Span[0];
            optimizer.Step();
            expected -= 1 / Math.Sqrt(t);
            Assert.True(w.Value.Span[0] < before, $"step {t} did not move");
            Assert.Equal(expected, w.Value.Span[0], 1e-6);
        }
    }
}
