using Descent.Optimizers;
using Descent.Optimizers.Book;

namespace Descent.Configuration;

/// <summary>
/// The options of every catalog record, written out: PyTorch's name, the property, how to read and set it, and its
/// help (each record's documentation). A derived record's list starts with its base's, so shared options (lr, betas)
/// lead, in PyTorch's signature order. <see cref="Set"/> is the option binder.
/// </summary>
internal static class OptionTable
{
    /// <summary>Optax's argument names for options whose catalog name is PyTorch's (<c>learning_rate</c> for <c>lr</c>, <c>b1</c> for <c>betas[0]</c>).</summary>
    private static readonly Dictionary<string, string> OptaxNames = new(StringComparer.Ordinal)
    {
        ["learning_rate"] = "LearningRate",
        ["b1"] = "Beta1",
        ["b2"] = "Beta2",
        ["b3"] = "Beta3",
    };

    private static readonly OptionDescriptor[] Common =
    [
        Option("lr", Number<OptimizerOptions>("LearningRate", o => o.LearningRate, (o, v) => o with { LearningRate = v },
            "The step size (PyTorch's lr). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] Sgd =
    [
        .. Common,
        Option("momentum", Number<SgdOptions>("Momentum", o => o.Momentum, (o, v) => o with { Momentum = v },
            "Momentum factor μ (PyTorch momentum); 0 disables the buffer.")),
        Option("dampening", Number<SgdOptions>("Dampening", o => o.Dampening, (o, v) => o with { Dampening = v },
            "Dampening τ applied to the gradient added to the buffer.")),
        Option("weight_decay", Number<SgdOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "L2 penalty added to the gradient (coupled weight decay).")),
        Option("nesterov", Flag<SgdOptions>("Nesterov", o => o.Nesterov, (o, v) => o with { Nesterov = v },
            "Use Nesterov momentum (requires Momentum > 0 and Dampening = 0).")),
        Maximize<SgdOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] AdaGrad =
    [
        .. Common,
        Option("lr_decay", Number<AdaGradOptions>("LearningRateDecay", o => o.LearningRateDecay, (o, v) => o with { LearningRateDecay = v },
            "Learning-rate decay d: step t uses η / (1 + (t − 1)d) (PyTorch lr_decay).")),
        L2WeightDecay<AdaGradOptions>(o => o.WeightDecay, (o, v) => o with { WeightDecay = v }),
        Option("initial_accumulator_value", Number<AdaGradOptions>("InitialAccumulatorValue", o => o.InitialAccumulatorValue, (o, v) => o with { InitialAccumulatorValue = v },
            "Starting value of the sum of squares (PyTorch initial_accumulator_value).")),
        Option("eps", Number<AdaGradOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the root of the sum of squares.")),
        Maximize<AdaGradOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] RmsProp =
    [
        .. Common,
        Option("alpha", Number<RmsPropOptions>("Alpha", o => o.Alpha, (o, v) => o with { Alpha = v },
            "Smoothing constant α of the mean square (the book's decay_rate).")),
        Option("eps", Number<RmsPropOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the root of the mean square.")),
        L2WeightDecay<RmsPropOptions>(o => o.WeightDecay, (o, v) => o with { WeightDecay = v }),
        Option("momentum", Number<RmsPropOptions>("Momentum", o => o.Momentum, (o, v) => o with { Momentum = v },
            "Momentum factor of the update buffer; 0 disables it.")),
        Option("centered", Flag<RmsPropOptions>("Centered", o => o.Centered, (o, v) => o with { Centered = v },
            "Normalize by the estimated variance (mean square minus squared mean) instead of the mean square.")),
        Maximize<RmsPropOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] MomentEstimate =
    [
        .. Common,
        Option("betas",
            Number<MomentEstimateOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "Decay rate β₁ of the first moment (PyTorch betas[0]), in [0, 1)."),
            Number<MomentEstimateOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "Decay rate β₂ of the second moment (PyTorch betas[1]), in [0, 1).")),
        Option("eps", Number<MomentEstimateOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε that keeps the denominator away from zero (PyTorch eps), ≥ 0.")),
        Option("weight_decay", Number<MomentEstimateOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Weight decay λ ≥ 0 (an L2 term in the gradient unless the optimizer decouples it).")),
    ];

    private static readonly OptionDescriptor[] Adam =
    [
        .. MomentEstimate,
        Option("amsgrad", Flag<AdamOptions>("AmsGrad", o => o.AmsGrad, (o, v) => o with { AmsGrad = v },
            "Use the running maximum of the second moment (Reddi et al., 2018; PyTorch amsgrad).")),
        Maximize<AdamOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
        Option("decoupled_weight_decay", Flag<AdamOptions>("DecoupledWeightDecay", o => o.DecoupledWeightDecay, (o, v) => o with { DecoupledWeightDecay = v },
            "Decay the weights directly instead of through the gradient (AdamW; Loshchilov and Hutter, 2019).")),
    ];

    private static readonly OptionDescriptor[] NAdam =
    [
        .. MomentEstimate,
        Option("momentum_decay", Number<NAdamOptions>("MomentumDecay", o => o.MomentumDecay, (o, v) => o with { MomentumDecay = v },
            "ψ of the momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)) (PyTorch momentum_decay).")),
        Option("decoupled_weight_decay", Flag<NAdamOptions>("DecoupledWeightDecay", o => o.DecoupledWeightDecay, (o, v) => o with { DecoupledWeightDecay = v },
            "Decay the weights directly (NAdamW) instead of through the gradient.")),
        Maximize<NAdamOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] RAdam =
    [
        .. MomentEstimate,
        Option("decoupled_weight_decay", Flag<RAdamOptions>("DecoupledWeightDecay", o => o.DecoupledWeightDecay, (o, v) => o with { DecoupledWeightDecay = v },
            "Decay the weights directly (RAdamW) instead of through the gradient.")),
        Maximize<RAdamOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] Adamax =
    [
        .. MomentEstimate,
        Maximize<AdamaxOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] Adadelta =
    [
        .. Common,
        Option("rho", Number<AdadeltaOptions>("Rho", o => o.Rho, (o, v) => o with { Rho = v },
            "Decay ρ of both running averages, in [0, 1].")),
        Option("eps", Number<AdadeltaOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε inside both roots.")),
        L2WeightDecay<AdadeltaOptions>(o => o.WeightDecay, (o, v) => o with { WeightDecay = v }),
        Maximize<AdadeltaOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] Rprop =
    [
        .. Common,
        Option("etas", TwoNumbers<RpropOptions>("Etas", o => o.Etas, (o, v) => o with { Etas = v },
            "The factors (η⁻, η⁺) a step size is multiplied by when the gradient's sign flips or stays (PyTorch etas); 0 < η⁻ < 1 < η⁺. The learning rate is only each step size's initial value.")),
        Option("step_sizes", TwoNumbers<RpropOptions>("StepSizes", o => o.StepSizes, (o, v) => o with { StepSizes = v },
            "The smallest and largest step size (PyTorch step_sizes).")),
        Maximize<RpropOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] Asgd =
    [
        .. Common,
        Option("lambd", Number<AsgdOptions>("Lambda", o => o.Lambda, (o, v) => o with { Lambda = v },
            "Decay term λ of the step size ηₜ = η/(1 + ληt)^α (PyTorch lambd).")),
        Option("alpha", Number<AsgdOptions>("Alpha", o => o.Alpha, (o, v) => o with { Alpha = v },
            "Power α of the step-size decay.")),
        Option("t0", Number<AsgdOptions>("T0", o => o.T0, (o, v) => o with { T0 = v },
            "The step after which averaging starts (PyTorch t0).")),
        L2WeightDecay<AsgdOptions>(o => o.WeightDecay, (o, v) => o with { WeightDecay = v }),
        Maximize<AsgdOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] Adafactor =
    [
        .. Common,
        Option("beta2_decay", Number<AdafactorOptions>("Beta2Decay", o => o.Beta2Decay, (o, v) => o with { Beta2Decay = v },
            "Exponent τ of the second-moment decay, β̂₂ₜ = 1 − t^τ (PyTorch beta2_decay). Must be ≤ 0.")),
        Option("eps",
            Optional<AdafactorOptions>("Epsilon1", o => o.Epsilon1, (o, v) => o with { Epsilon1 = v },
                "ε₁, the floor of the variance estimate and of the row-factor mean (PyTorch eps[0]); null means the machine epsilon of the element type, as in PyTorch. Must be ≥ 0."),
            Number<AdafactorOptions>("Epsilon2", o => o.Epsilon2, (o, v) => o with { Epsilon2 = v },
                "ε₂, the floor of a parameter's RMS when scaling the step (PyTorch eps[1]). Must be ≥ 0.")),
        Option("d", Number<AdafactorOptions>("ClippingThreshold", o => o.ClippingThreshold, (o, v) => o with { ClippingThreshold = v },
            "Clipping threshold d: updates whose RMS exceeds d are scaled down to it (PyTorch d). Must be ≥ 1.")),
        Option("weight_decay", Number<AdafactorOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Decoupled weight decay λ: θ ← θ(1 − ηλ) before the update. Must be ≥ 0.")),
        Maximize<AdafactorOptions>(o => o.Maximize, (o, v) => o with { Maximize = v }),
    ];

    private static readonly OptionDescriptor[] Lion =
    [
        .. Common,
        Option("betas",
            Number<LionOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁, the interpolation between momentum and gradient whose sign is the step (Optax b1), in [0, 1]."),
            Number<LionOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂, the decay of the stored momentum (Optax b2), in [0, 1).")),
        Option("weight_decay", Number<LionOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Decoupled weight decay λ, scaled by the learning rate: θ ← θ − η(sign(c) + λθ) (Optax weight_decay).")),
    ];

    private static readonly OptionDescriptor[] Lamb =
    [
        .. MomentEstimate,
        Option("eps_root", Number<LambOptions>("EpsilonRoot", o => o.EpsilonRoot, (o, v) => o with { EpsilonRoot = v },
            "ε added to the corrected second moment under the root (Optax eps_root). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] AdaBelief =
    [
        .. Common,
        Option("betas",
            Number<AdaBeliefOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁, decay of the gradient's moving average (Optax b1), in [0, 1)."),
            Number<AdaBeliefOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂, decay of the moving average of the squared prediction error (Optax b2), in [0, 1).")),
        Option("eps", Number<AdaBeliefOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the root of the corrected second moment (Optax eps). Must be ≥ 0.")),
        Option("eps_root", Number<AdaBeliefOptions>("EpsilonRoot", o => o.EpsilonRoot, (o, v) => o with { EpsilonRoot = v },
            "ε added to the second moment itself at every step, so it accumulates in the state (Optax eps_root). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] Yogi =
    [
        .. Common,
        Option("betas",
            Number<YogiOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁, decay of the gradient's moving average (Optax b1), in [0, 1)."),
            Number<YogiOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂, rate of the additive second-moment update (Optax b2), in [0, 1).")),
        Option("eps", Number<YogiOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the root, outside it (Optax eps; 1e-3 by default, far larger than Adam's). Must be ≥ 0.")),
        Option("eps_root", Number<YogiOptions>("EpsilonRoot", o => o.EpsilonRoot, (o, v) => o with { EpsilonRoot = v },
            "ε added to the corrected second moment under the root (Optax eps_root). Must be ≥ 0.")),
        Option("initial_accumulator_value", Number<YogiOptions>("InitialAccumulatorValue", o => o.InitialAccumulatorValue, (o, v) => o with { InitialAccumulatorValue = v },
            "Starting value of both moments (Optax initial_accumulator_value of scale_by_yogi). Must be > 0.")),
    ];

    private static readonly OptionDescriptor[] Muon =
    [
        .. Common,
        Option("weight_decay", Number<MuonOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Decoupled weight decay λ: θ ← θ(1 − ηλ) before the step (PyTorch weight_decay). Must be ≥ 0.")),
        Option("momentum", Number<MuonOptions>("Momentum", o => o.Momentum, (o, v) => o with { Momentum = v },
            "Momentum μ of the buffer B ← B + (1 − μ)(g − B) (PyTorch momentum). Must be ≥ 0.")),
        Option("nesterov", Flag<MuonOptions>("Nesterov", o => o.Nesterov, (o, v) => o with { Nesterov = v },
            "Orthogonalise g + μ(B − g) instead of B (PyTorch nesterov).")),
        Option("newton_schulz_a", Number<MuonOptions>("NewtonSchulzA", o => o.NewtonSchulzA, (o, v) => o with { NewtonSchulzA = v },
            "Newton–Schulz coefficient a (PyTorch ns_coefficients[0]).")),
        Option("newton_schulz_b", Number<MuonOptions>("NewtonSchulzB", o => o.NewtonSchulzB, (o, v) => o with { NewtonSchulzB = v },
            "Newton–Schulz coefficient b (PyTorch ns_coefficients[1]).")),
        Option("newton_schulz_c", Number<MuonOptions>("NewtonSchulzC", o => o.NewtonSchulzC, (o, v) => o with { NewtonSchulzC = v },
            "Newton–Schulz coefficient c (PyTorch ns_coefficients[2]).")),
        Option("eps", Number<MuonOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "Floor of the Frobenius norm that the matrix is divided by (PyTorch eps). Must be ≥ 0.")),
        Option("ns_steps", Integer<MuonOptions>("NewtonSchulzSteps", o => o.NewtonSchulzSteps, (o, v) => o with { NewtonSchulzSteps = v },
            "Newton–Schulz iterations (PyTorch ns_steps), in [0, 100).")),
        Option("adjust_lr_fn", Choice<MuonOptions, MuonLearningRateAdjustment>("AdjustLearningRate", o => o.AdjustLearningRate, (o, v) => o with { AdjustLearningRate = v },
            "The shape-dependent scaling of the learning rate (PyTorch adjust_lr_fn).")),
    ];

    private static readonly OptionDescriptor WarmupSteps =
        Option("warmup_steps", OptionalInteger<ScheduleFreeOptions>("WarmupSteps", o => o.WarmupSteps, (o, v) => o with { WarmupSteps = v },
            "Length of the linear warm-up from 0 to the learning rate (Optax warmup_steps, its warmup_constant_schedule); null for none. Must be ≥ 1 when set."));

    private static readonly NumberSlot<ScheduleFreeOptions> ScheduleFreeBeta1 =
        Number<ScheduleFreeOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
            "β₁, the interpolation y = (1 − β₁)z + β₁x (Optax b1), in (0, 1].");

    private static readonly OptionDescriptor[] ScheduleFreeDecay =
    [
        Option("weight_decay", Number<ScheduleFreeOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Weight decay λ on y, added to the base direction before the learning rate (Optax weight_decay). Must be ≥ 0.")),
        Option("weight_lr_power", Number<ScheduleFreeOptions>("WeightLrPower", o => o.WeightLrPower, (o, v) => o with { WeightLrPower = v },
            "The averaging weight of a step is (max rate so far)^power (Optax weight_lr_power). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] ScheduleFree = [.. Common, WarmupSteps, Option("beta1", ScheduleFreeBeta1), .. ScheduleFreeDecay];

    // AdamW's β₁ (in the shared record) and β₂ (its own) are PyTorch's one betas pair.
    private static readonly OptionDescriptor[] ScheduleFreeAdamW =
    [
        .. Common,
        WarmupSteps,
        Option("betas", ScheduleFreeBeta1, Number<ScheduleFreeAdamWOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
            "β₂, decay of the second moment (Optax b2), in [0, 1).")),
        .. ScheduleFreeDecay,
        Option("eps", Number<ScheduleFreeAdamWOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the corrected root, outside it (Optax eps). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] Prodigy =
    [
        .. Common,
        Option("betas",
            Number<ProdigyOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁ of the underlying AdamW (Optax betas[0]), in [0, 1)."),
            Number<ProdigyOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂ of the underlying AdamW (Optax betas[1]), in [0, 1).")),
        Option("beta3", Optional<ProdigyOptions>("Beta3", o => o.Beta3, (o, v) => o with { Beta3 = v },
            "β₃, decay of the running sums that estimate d (Optax beta3); null means √β₂. In [0, 1).")),
        Option("eps", Number<ProdigyOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε of the underlying AdamW, scaled by d (Optax eps). Must be ≥ 0.")),
        Option("estim_lr0", Number<ProdigyOptions>("InitialDistance", o => o.InitialDistance, (o, v) => o with { InitialDistance = v },
            "d₀, the initial under-estimate of the distance to the solution (Optax estim_lr0). Must be > 0.")),
        Option("estim_lr_coef", Number<ProdigyOptions>("DistanceCoefficient", o => o.DistanceCoefficient, (o, v) => o with { DistanceCoefficient = v },
            "Multiplier of every new estimate of d (Optax estim_lr_coef). Must be > 0.")),
        Option("weight_decay", Number<ProdigyOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "AdamW-style decoupled weight decay λ, scaled by d·η (Optax weight_decay). Must be ≥ 0.")),
        Option("safeguard_warmup", Flag<ProdigyOptions>("SafeguardWarmup", o => o.SafeguardWarmup, (o, v) => o with { SafeguardWarmup = v },
            "Leave the learning rate out of the d-estimate's denominator during warm-up (Optax safeguard_warmup).")),
    ];

    private static readonly OptionDescriptor[] DAdaptAdamW =
    [
        .. Common,
        Option("betas",
            Number<DAdaptAdamWOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁ of the underlying AdamW (Optax betas[0]), in [0, 1)."),
            Number<DAdaptAdamWOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂ of the underlying AdamW (Optax betas[1]); √β₂ also decays the d-estimate's sums. In [0, 1).")),
        Option("eps", Number<DAdaptAdamWOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε of the underlying AdamW (Optax eps). Must be ≥ 0.")),
        Option("estim_lr0", Number<DAdaptAdamWOptions>("InitialDistance", o => o.InitialDistance, (o, v) => o with { InitialDistance = v },
            "d₀, the initial under-estimate of the distance to the solution (Optax estim_lr0). Must be > 0.")),
        Option("weight_decay", Number<DAdaptAdamWOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "AdamW-style decoupled weight decay λ, scaled by d_lr (Optax weight_decay). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] Adopt =
    [
        .. Common,
        Option("betas",
            Number<AdoptOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁, decay of the moving average of the normalised gradients (Optax b1), in [0, 1)."),
            Number<AdoptOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂, decay of the second moment (Optax b2), in [0, 1).")),
        Option("eps", Number<AdoptOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε, the floor of √v in the normalisation g / max(√v, ε) (Optax eps). Must be ≥ 0.")),
        Option("nesterov", Flag<AdoptOptions>("Nesterov", o => o.Nesterov, (o, v) => o with { Nesterov = v },
            "Nesterov momentum: step along (1 − β₁)ĝ + β₁m with the updated m (Optax nesterov).")),
        Option("use_clipping", Flag<AdoptOptions>("UseClipping", o => o.UseClipping, (o, v) => o with { UseClipping = v },
            "Clip the normalised gradient to ±t^¼ at step t (counted from 0), Optax's default clip_value_fn (Optax use_clipping). The first step's bound is 0, so ADOPT's first step only fills v.")),
    ];

    private static readonly OptionDescriptor[] AdEMAMix =
    [
        .. Common,
        Option("betas",
            Number<AdEMAMixOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁, decay of the fast (bias-corrected) moving average (Optax b1), in [0, 1)."),
            Number<AdEMAMixOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂, decay of the second moment (Optax b2), in [0, 1).")),
        Option("beta3", Number<AdEMAMixOptions>("Beta3", o => o.Beta3, (o, v) => o with { Beta3 = v },
            "β₃, decay of the slow moving average, never bias-corrected (Optax b3), in [0, 1).")),
        Option("alpha", Number<AdEMAMixOptions>("Alpha", o => o.Alpha, (o, v) => o with { Alpha = v },
            "α, the weight of the slow average in the step (Optax alpha). Must be ≥ 0.")),
        Option("eps", Number<AdEMAMixOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the root, outside it (Optax eps). Must be ≥ 0.")),
        Option("eps_root", Number<AdEMAMixOptions>("EpsilonRoot", o => o.EpsilonRoot, (o, v) => o with { EpsilonRoot = v },
            "ε added to the corrected second moment under the root (Optax eps_root). Must be ≥ 0.")),
        Option("weight_decay", Number<AdEMAMixOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Decoupled weight decay λ, added to the direction before the learning rate (Optax weight_decay). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] Adan =
    [
        .. Common,
        Option("betas",
            Number<AdanOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁, decay of the gradient's moving average (Optax b1), in [0, 1)."),
            Number<AdanOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂, decay of the moving average of gradient differences (Optax b2), in [0, 1).")),
        Option("beta3", Number<AdanOptions>("Beta3", o => o.Beta3, (o, v) => o with { Beta3 = v },
            "β₃, decay of the second moment of g + (1 − β₂)(g − g_prev) (Optax b3), in [0, 1).")),
        Option("eps", Number<AdanOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the root, outside it (Optax eps). Must be ≥ 0.")),
        Option("eps_root", Number<AdanOptions>("EpsilonRoot", o => o.EpsilonRoot, (o, v) => o with { EpsilonRoot = v },
            "ε added to the corrected second moment under the root (Optax eps_root; 1e-8 in optax.adan). Must be ≥ 0.")),
        Option("weight_decay", Number<AdanOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Decoupled weight decay λ, added to the direction before the learning rate (Optax weight_decay). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] Madgrad =
    [
        .. Common,
        Option("momentum", Number<MadgradOptions>("Momentum", o => o.Momentum, (o, v) => o with { Momentum = v },
            "Momentum c: θ ← (1 − c)z + cθ (Optax momentum), in [0, 1).")),
        Option("weight_decay", Number<MadgradOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Coupled weight decay λ: g ← g + λθ before the update (Optax weight_decay). Must be ≥ 0.")),
        Option("eps", Number<MadgradOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the cube root and to the learning rate (Optax eps). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] Lars =
    [
        .. Common,
        Option("weight_decay", Number<LarsOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Weight decay λ, added to the gradient before the trust ratio (Optax weight_decay). Must be ≥ 0.")),
        Option("trust_coefficient", Number<LarsOptions>("TrustCoefficient", o => o.TrustCoefficient, (o, v) => o with { TrustCoefficient = v },
            "Trust coefficient: the ratio is coef·‖θ‖/(‖u‖ + ε) (Optax trust_coefficient). Must be ≥ 0.")),
        Option("eps", Number<LarsOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to ‖u‖ in the ratio (Optax eps). Must be ≥ 0.")),
        Option("trust_ratio", Flag<LarsOptions>("TrustRatio", o => o.TrustRatio, (o, v) => o with { TrustRatio = v },
            "Whether this group's tensors are scaled by the trust ratio (Optax's trust_ratio_mask, default all); a group with false plays the mask's False leaves (biases and normalisation parameters, as the paper does).")),
        Option("momentum", Number<LarsOptions>("Momentum", o => o.Momentum, (o, v) => o with { Momentum = v },
            "Momentum μ of the trace t ← u + μt (Optax momentum), in [0, 1).")),
        Option("nesterov", Flag<LarsOptions>("Nesterov", o => o.Nesterov, (o, v) => o with { Nesterov = v },
            "Nesterov momentum: step by u + μt (Optax nesterov).")),
    ];

    private static readonly OptionDescriptor[] NovoGrad =
    [
        .. Common,
        Option("betas",
            Number<NovoGradOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁, the momentum of m ← β₁m + u (Optax b1), in [0, 1)."),
            Number<NovoGradOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂, decay of the per-tensor second moment of ‖g‖ (Optax b2), in [0, 1).")),
        Option("eps", Number<NovoGradOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the root, outside it (Optax eps). Must be ≥ 0.")),
        Option("eps_root", Number<NovoGradOptions>("EpsilonRoot", o => o.EpsilonRoot, (o, v) => o with { EpsilonRoot = v },
            "ε added to v under the root (Optax eps_root). Must be ≥ 0.")),
        Option("weight_decay", Number<NovoGradOptions>("WeightDecay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v },
            "Weight decay λ, added to the normalised gradient (Optax weight_decay). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] Sm3 =
    [
        .. Common,
        Option("momentum", Number<Sm3Options>("Momentum", o => o.Momentum, (o, v) => o with { Momentum = v },
            "Momentum β₁ of the update's moving average (Optax momentum), in [0, 1).")),
    ];

    private static readonly OptionDescriptor[] Fromage =
    [
        .. Common,
        Option("min_norm", Number<FromageOptions>("MinNorm", o => o.MinNorm, (o, v) => o with { MinNorm = v },
            "Floor of both norms in the ratio ‖θ‖/‖g‖ (Optax min_norm). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] OptaxAmsGrad =
    [
        .. Common,
        Option("betas",
            Number<OptaxAmsGradOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁ (Optax b1), in [0, 1)."),
            Number<OptaxAmsGradOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂ (Optax b2), in [0, 1).")),
        Option("eps", Number<OptaxAmsGradOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to the root, outside it (Optax eps). Must be ≥ 0.")),
        Option("eps_root", Number<OptaxAmsGradOptions>("EpsilonRoot", o => o.EpsilonRoot, (o, v) => o with { EpsilonRoot = v },
            "ε added to the running maximum under the root (Optax eps_root). Must be ≥ 0.")),
    ];

    private static readonly OptionDescriptor[] OptaxAdafactor =
    [
        .. Common,
        Option("min_dim_size_to_factor", Integer<OptaxAdafactorOptions>("MinDimSizeToFactor", o => o.MinDimSizeToFactor, (o, v) => o with { MinDimSizeToFactor = v },
            "Factor matrices whose second-largest dimension reaches this size (Optax min_dim_size_to_factor). Must be ≥ 0.")),
        Option("decay_rate", Number<OptaxAdafactorOptions>("DecayRate", o => o.DecayRate, (o, v) => o with { DecayRate = v },
            "The decay 1 − (t + 1)^(−rate) of the second-moment estimate (Optax decay_rate). Must be ≥ 0.")),
        Option("decay_offset", Integer<OptaxAdafactorOptions>("DecayOffset", o => o.DecayOffset, (o, v) => o with { DecayOffset = v },
            "Steps subtracted from the count in the decay (Optax decay_offset). Must be ≥ 0.")),
        Option("multiply_by_parameter_scale", Flag<OptaxAdafactorOptions>("MultiplyByParameterScale", o => o.MultiplyByParameterScale, (o, v) => o with { MultiplyByParameterScale = v },
            "Scale the update by max(RMS(θ), 1e-3) per tensor (Optax multiply_by_parameter_scale).")),
        Option("d", Optional<OptaxAdafactorOptions>("ClippingThreshold", o => o.ClippingThreshold, (o, v) => o with { ClippingThreshold = v },
            "Clip each tensor's update to this RMS (Optax clipping_threshold); null for none. Must be > 0.")),
        Option("momentum", Optional<OptaxAdafactorOptions>("Momentum", o => o.Momentum, (o, v) => o with { Momentum = v },
            "Momentum of an undebiased moving average of the updates, kept in float32 as Optax's dtype_momentum (Optax momentum); null for none.")),
        Option("weight_decay_rate", Optional<OptaxAdafactorOptions>("WeightDecayRate", o => o.WeightDecayRate, (o, v) => o with { WeightDecayRate = v },
            "Weight decay added to the update after the scaling, before the sign flip (Optax weight_decay_rate); null for none.")),
        Option("eps", Number<OptaxAdafactorOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to g² (Optax eps). Must be ≥ 0.")),
        Option("factored", Flag<OptaxAdafactorOptions>("Factored", o => o.Factored, (o, v) => o with { Factored = v },
            "Factor the second moment of matrices at all (Optax factored).")),
    ];

    private static readonly OptionDescriptor[] BookMomentum =
    [
        .. Common,
        Option("momentum", Number<BookMomentumOptions>("Momentum", o => o.Momentum, (o, v) => o with { Momentum = v },
            "Momentum factor μ, the fraction of the velocity kept each step; in [0, 1).")),
        Option("nesterov", Flag<BookMomentumOptions>("Nesterov", o => o.Nesterov, (o, v) => o with { Nesterov = v },
            "Build the book's Nesterov class (BookNesterov) rather than its Momentum, as PyTorch's SGD takes nesterov.")),
    ];

    private static readonly OptionDescriptor[] BookAdaGrad =
    [
        .. Common,
        Option("eps", Number<BookAdaGradOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to √h (outside the root), the book's 1e-7 against division by zero.")),
    ];

    private static readonly OptionDescriptor[] BookRmsProp =
    [
        .. Common,
        Option("decay_rate", Number<BookRmsPropOptions>("DecayRate", o => o.DecayRate, (o, v) => o with { DecayRate = v },
            "The book's decay_rate ρ of the mean square (PyTorch's alpha), in [0, 1].")),
        Option("eps", Number<BookRmsPropOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε added to √h (outside the root).")),
    ];

    private static readonly OptionDescriptor[] BookAdam =
    [
        .. Common,
        Option("betas",
            Number<BookAdamOptions>("Beta1", o => o.Beta1, (o, v) => o with { Beta1 = v },
                "β₁, in [0, 1)."),
            Number<BookAdamOptions>("Beta2", o => o.Beta2, (o, v) => o with { Beta2 = v },
                "β₂, in [0, 1).")),
        Option("eps", Number<BookAdamOptions>("Epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v },
            "ε̂ added to √v, the uncorrected root (\"epsilon hat\" in Kingma and Ba, §2).")),
    ];

    private static readonly OptionDescriptor[] Lbfgs =
    [
        .. Common,
        Option("max_iter", Integer<LbfgsOptions>("MaxIterations", o => o.MaxIterations, (o, v) => o with { MaxIterations = v },
            "Most iterations per Step(closure) (PyTorch max_iter). Must be ≥ 1.")),
        Option("max_eval", OptionalInteger<LbfgsOptions>("MaxEvaluations", o => o.MaxEvaluations, (o, v) => o with { MaxEvaluations = v },
            "Most closure evaluations per step (PyTorch max_eval); null means ⌊1.25 · MaxIterations⌋ as in PyTorch. Must be ≥ 1.")),
        Option("tolerance_grad", Number<LbfgsOptions>("ToleranceGrad", o => o.ToleranceGrad, (o, v) => o with { ToleranceGrad = v },
            "Stop when every gradient component is at most this in magnitude (PyTorch tolerance_grad). Must be ≥ 0.")),
        Option("tolerance_change", Number<LbfgsOptions>("ToleranceChange", o => o.ToleranceChange, (o, v) => o with { ToleranceChange = v },
            "Stop when the step or the loss changes by less than this (PyTorch tolerance_change). Must be ≥ 0.")),
        Option("history_size", Integer<LbfgsOptions>("HistorySize", o => o.HistorySize, (o, v) => o with { HistorySize = v },
            "Number of (s, y) pairs kept for the inverse-Hessian estimate (PyTorch history_size). Must be ≥ 1.")),
        Option("line_search_fn", Choice<LbfgsOptions, LbfgsLineSearch>("LineSearch", o => o.LineSearch, (o, v) => o with { LineSearch = v },
            "The line search (PyTorch line_search_fn).")),
    ];

    private static readonly Dictionary<Type, OptionDescriptor[]> Table = new()
    {
        [typeof(SgdOptions)] = Sgd,
        [typeof(AdaGradOptions)] = AdaGrad,
        [typeof(RmsPropOptions)] = RmsProp,
        [typeof(AdamOptions)] = Adam,
        [typeof(AdamWOptions)] = Adam,
        [typeof(NAdamOptions)] = NAdam,
        [typeof(RAdamOptions)] = RAdam,
        [typeof(AdamaxOptions)] = Adamax,
        [typeof(AdadeltaOptions)] = Adadelta,
        [typeof(RpropOptions)] = Rprop,
        [typeof(AsgdOptions)] = Asgd,
        [typeof(AdafactorOptions)] = Adafactor,
        [typeof(LionOptions)] = Lion,
        [typeof(LambOptions)] = Lamb,
        [typeof(AdaBeliefOptions)] = AdaBelief,
        [typeof(YogiOptions)] = Yogi,
        [typeof(MuonOptions)] = Muon,
        [typeof(ScheduleFreeAdamWOptions)] = ScheduleFreeAdamW,
        [typeof(ScheduleFreeSgdOptions)] = ScheduleFree,
        [typeof(ProdigyOptions)] = Prodigy,
        [typeof(DAdaptAdamWOptions)] = DAdaptAdamW,
        [typeof(AdoptOptions)] = Adopt,
        [typeof(AdEMAMixOptions)] = AdEMAMix,
        [typeof(AdanOptions)] = Adan,
        [typeof(MadgradOptions)] = Madgrad,
        [typeof(LarsOptions)] = Lars,
        [typeof(NovoGradOptions)] = NovoGrad,
        [typeof(Sm3Options)] = Sm3,
        [typeof(FromageOptions)] = Fromage,
        [typeof(OptaxAmsGradOptions)] = OptaxAmsGrad,
        [typeof(OptaxAdafactorOptions)] = OptaxAdafactor,
        [typeof(BookSgdOptions)] = Common,
        [typeof(BookMomentumOptions)] = BookMomentum,
        [typeof(BookAdaGradOptions)] = BookAdaGrad,
        [typeof(BookRmsPropOptions)] = BookRmsProp,
        [typeof(BookAdamOptions)] = BookAdam,
        [typeof(LbfgsOptions)] = Lbfgs,
    };

    /// <summary>The options of records of <paramref name="type"/>, in PyTorch's order.</summary>
    /// <exception cref="ArgumentException">Not a catalog record.</exception>
    public static IReadOnlyList<OptionDescriptor> For(Type type) =>
        Table.TryGetValue(type, out var descriptors) ? descriptors
        : throw new ArgumentException($"{type.Name} is not the options record of a catalog optimizer.", nameof(type));

    /// <summary>A copy of <paramref name="target"/> with the option named <paramref name="key"/> set from <paramref name="value"/>.</summary>
    public static OptimizerOptions Set(OptimizerInfo info, OptimizerOptions target, string key, string value)
    {
        var options = For(target.GetType());
        var option = options.FirstOrDefault(o => string.Equals(o.Name, key, StringComparison.Ordinal))
            ?? options.FirstOrDefault(o => o.Slots.Count == 1 && string.Equals(o.Slots[0].Name, key, StringComparison.OrdinalIgnoreCase));
        if (option is not null)
        {
            return option.Set(info, target, value);
        }

        // beta1 / Beta2 individually, though PyTorch only takes the pair; Optax's b1, b2 and learning_rate.
        string property = OptaxNames.GetValueOrDefault(key, key);
        var slot = options.SelectMany(o => o.Slots).FirstOrDefault(s => string.Equals(s.Name, property, StringComparison.OrdinalIgnoreCase));
        if (slot is not null)
        {
            return slot.Set(target, new OptionText(info, slot.Name, value));
        }

        string names = string.Join(", ", options.Select(o => o.Name));
        string dotnet = string.Join(", ", options.SelectMany(o => o.Properties));
        throw new ArgumentException($"{info.Name} has no option '{key}'. Valid: {names} (or the .NET names {dotnet}).", nameof(key));
    }

    private static OptionDescriptor Option(string name, OptionSlot slot) => new(name, [slot]);

    /// <summary>PyTorch's <c>maximize</c>, which every record that has it describes the same way.</summary>
    private static OptionDescriptor Maximize<T>(Func<T, bool> get, Func<T, bool, T> set)
        where T : OptimizerOptions => Option("maximize", Flag("Maximize", get, set, "Maximize the objective instead of minimizing."));

    /// <summary>PyTorch's <c>weight_decay</c> where it is only ever an L2 term in the gradient.</summary>
    private static OptionDescriptor L2WeightDecay<T>(Func<T, double> get, Func<T, double, T> set)
        where T : OptimizerOptions => Option("weight_decay", Number("WeightDecay", get, set, "L2 penalty added to the gradient."));

    private static OptionDescriptor Option(string name, OptionSlot first, OptionSlot second) => new(name, [first, second]);

    private static NumberSlot<T> Number<T>(string name, Func<T, double> get, Func<T, double, T> set, string help)
        where T : OptimizerOptions => new(name, help, optional: false, o => get(o), (o, v) => set(o, v!.Value));

    private static NumberSlot<T> Optional<T>(string name, Func<T, double?> get, Func<T, double?, T> set, string help)
        where T : OptimizerOptions => new(name, help, optional: true, get, set);

    private static IntegerSlot<T> Integer<T>(string name, Func<T, int> get, Func<T, int, T> set, string help)
        where T : OptimizerOptions => new(name, help, optional: false, int.MinValue, int.MaxValue, o => get(o), (o, v) => set(o, (int)v!.Value));

    private static IntegerSlot<T> OptionalInteger<T>(string name, Func<T, int?> get, Func<T, int?, T> set, string help)
        where T : OptimizerOptions => new(name, help, optional: true, int.MinValue, int.MaxValue, o => get(o), (o, v) => set(o, (int?)v));

    private static FlagSlot<T> Flag<T>(string name, Func<T, bool> get, Func<T, bool, T> set, string help)
        where T : OptimizerOptions => new(name, help, get, set);

    private static ChoiceSlot<T, TEnum> Choice<T, TEnum>(string name, Func<T, TEnum> get, Func<T, TEnum, T> set, string help)
        where T : OptimizerOptions
        where TEnum : struct, Enum => new(name, help, get, set);

    private static TupleSlot<T> TwoNumbers<T>(string name, Func<T, (double, double)> get, Func<T, (double, double), T> set, string help)
        where T : OptimizerOptions => new(name, help, get, set);
}
