using Descent.Optimizers;

namespace Descent.Tests.Configuration;

/// <summary>Optimizers and schedules read one syntax: <c>name:key=value,...</c> or the call <c>Name(key=value, ...)</c>.</summary>
public class SpecificationSyntaxTests
{
    [Theory]
    [InlineData("StepLR:step_size=7,gamma=0.5", "StepLR(step_size=7, gamma=0.5)")]
    [InlineData("CosineAnnealingLR:T_max=20,eta_min=0.001", "CosineAnnealingLR(T_max=20, eta_min=0.001)")]
    [InlineData("WarmupStableDecay:warmup_steps=5,stable_steps=50,decay_steps=20,shape=sqrt", "WarmupStableDecay(5, 50, 20, shape=sqrt)")]
    public void Schedule_ColonForm_IsTheCallForm(string colon, string call) =>
        Assert.Equal(ScheduleExpression.Parse(call).ToString(), ScheduleExpression.Parse(colon).ToString());

    [Theory]
    [InlineData("Adam:lr=0.01,betas=[0.8,0.9]", "Adam(lr=0.01, betas=[0.8,0.9])")]
    [InlineData("SGD:lr=0.1,momentum=0.9,nesterov=true", "SGD(lr=0.1, momentum=0.9, nesterov=true)")]
    public void Optimizer_ColonForm_IsTheCallForm(string colon, string call)
    {
        var (colonName, colonPairs) = OptimizerCatalog.Parse(colon);
        var (callName, callPairs) = OptimizerCatalog.Parse(call);
        Assert.Equal(callName, colonName);
        var info = OptimizerCatalog.Find(colonName);
        Assert.Equal(info.Options(callPairs), info.Options(colonPairs));
        Assert.NotEqual(info.Defaults, info.Options(colonPairs));
    }

    [Fact]
    public void Schedule_ColonFormWithAnUnknownArgument_SaysWhich()
    {
        var e = Assert.ThrowsAny<Exception>(() => ScheduleExpression.Parse("StepLR:step_size=7,gama=0.5"));
        Assert.Contains("gama", e.Message, StringComparison.Ordinal);
    }
}
