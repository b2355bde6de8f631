using System.Globalization;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>
/// For each catalog row, a learning rate with which it converges on the test problems (a quadratic bowl and
/// Rosenbrock from the origin, within 30 000 steps). A test concern, so it lives with the tests: a new catalog
/// row needs a line here, or the generic tests fail naming it.
/// </summary>
internal static class TestLearningRates
{
    private static readonly Dictionary<string, double> Rates = new(StringComparer.Ordinal)
    {
        ["SGD"] = 0.001,
        ["Momentum"] = 0.001,
        ["Nesterov"] = 0.001,
        ["Adagrad"] = 0.5,
        ["RMSprop"] = 0.001,
        ["Adam"] = 0.05,
        ["AdamW"] = 0.005,
        ["NAdam"] = 0.005,
        ["RAdam"] = 0.05,
        ["Adamax"] = 0.05,
        ["Adadelta"] = 0.01,
        ["Rprop"] = 0.01,
        ["ASGD"] = 0.001,
        ["Adafactor"] = 0.1,
        ["Lion"] = 0.001,
        ["Lamb"] = 0.001,
        ["AdaBelief"] = 0.05,
        ["Yogi"] = 0.05,
        ["BookSGD"] = 0.001,
        ["BookMomentum"] = 0.001,
        ["BookNesterov"] = 0.0001,
        ["BookAdaGrad"] = 0.5,
        ["BookRMSprop"] = 0.001,
        ["BookAdam"] = 0.05,
    };

    public static double Of(OptimizerInfo info) => Rates.TryGetValue(info.Name, out double rate)
        ? rate
        : throw new KeyNotFoundException($"No test learning rate for catalog row '{info.Name}': add one to {nameof(TestLearningRates)}.");

    public static string Text(OptimizerInfo info) => Of(info).ToString("R", CultureInfo.InvariantCulture);
}
