using System.Text.Json;
using Descent.Cli.Book;

namespace Descent.Cli.Tests.Book;

/// <summary>
/// <c>--reproduce-book</c> against the chapter-6 goldens (tests/goldens/book/ch6, tolerances from its README): the
/// histograms and the batch-norm run in full, the long trainings as prefixes (the full runs take minutes each on two
/// cores; <c>descent verify tests/goldens/book/ch6/*.json</c> checks them whole).
/// </summary>
public class ReproduceChapter6Tests
{
    [Fact]
    public void ActivationHistograms_AllTwelveVariants_MatchTheBookExactly()
    {
        // 12 variants × (counts, tail counts, mean/std).
        BookRuns.AssertAllPass(BookRuns.RunAndCompare(BookKind.ActivationHistograms, "activation_histograms.json", null), 36);
    }

    [Fact]
    public void BatchNorm_FullRun_MatchesTheBook()
    {
        // 2 accuracy curves, 2 cross-entropy curves, 2 initial weight rows, 2 batch masks.
        BookRuns.AssertAllPass(BookRuns.RunAndCompare(BookKind.BatchNorm, "batch_norm.json", null), 8);
    }

    [Fact]
    public void WeightInitCompare_Prefix_MatchesTheBook()
    {
        BookRuns.AssertAllPass(BookRuns.RunAndCompare(BookKind.WeightInitCompare, "weight_init_compare.json", 120), 8);
    }

    [Fact]
    public void WeightDecay_Prefix_MatchesTheBook()
    {
        // Per run: train and test accuracy, cross-entropy, initial weights, 2 batch masks.
        BookRuns.AssertAllPass(BookRuns.RunAndCompare(BookKind.OverfitWeightDecay, "overfit_weight_decay.json", 60), 12);
    }

    [Fact]
    public void Dropout_Prefix_MatchesTheBook_MasksAndAll()
    {
        // Per run: loss, train and test accuracy, initial weights, 2 batch masks (final accuracy needs the full run).
        BookRuns.AssertAllPass(BookRuns.RunAndCompare(BookKind.OverfitDropout, "overfit_dropout.json", 60), 12);
    }

    [Fact]
    public void WithoutDropout_TheExtendedNetwork_TrainsLikeThePlainOneWithoutDecay()
    {
        // The goldens' README: no_dropout's accuracies equal weight_decay_0's (same stream; MultiLayerNetExtend
        // without dropout or BN computes what MultiLayerNet with λ = 0 computes). Held here on our own runs.
        var settings = BookRuns.Book with { Prefix = 30 };
        using var dropout = BookRuns.Run(BookKind.OverfitDropout, settings);
        using var decay = BookRuns.Run(BookKind.OverfitWeightDecay, settings);
        var plain = dropout.RootElement.GetProperty("runs").GetProperty("no_dropout");
        var noDecay = decay.RootElement.GetProperty("runs").GetProperty("weight_decay_0");
        foreach (string key in new[] { "train_acc", "test_acc" })
        {
            Assert.Equal(BookJson.NumberArray(noDecay.GetProperty(key)), BookJson.NumberArray(plain.GetProperty(key)));
        }

        Assert.Equal(
            BookJson.NumberArray(noDecay.GetProperty("check").GetProperty("W1[0,:4] at init per network").GetProperty("network")),
            BookJson.NumberArray(plain.GetProperty("check").GetProperty("W1[0,:4] at init per network").GetProperty("network")));
    }

    [Fact]
    public void Grid_ScaleFour_EqualsTheDefaultRun()
    {
        var settings = BookRuns.Book with { Prefix = 12 };
        using var grid = BookRuns.Run(BookKind.BatchNormGrid, settings);
        using var single = BookRuns.Run(BookKind.BatchNorm, settings);
        var entries = grid.RootElement.GetProperty("all_scales_seed0_each");
        Assert.Equal(16, entries.GetArrayLength());
        var four = entries[4];
        foreach (string section in new[] { "train_acc", "batch_ce_before_update" })
        {
            foreach (string net in new[] { "with_BN", "without_BN" })
            {
                Assert.Equal(
                    BookJson.NumberArray(single.RootElement.GetProperty(section).GetProperty(net)),
                    BookJson.NumberArray(four.GetProperty(section).GetProperty(net)));
            }
        }

        // The largest scale diverges without BN, as in the book's figure (the README: NaN from iteration 5).
        var ce = BookJson.NumberArray(entries[0].GetProperty("batch_ce_before_update").GetProperty("without_BN"));
        Assert.Contains(ce, double.IsNaN);
    }

    [Fact]
    public void Check_FailsWhenOneAccuracyDiffersByOneSample_AndWhenACurveIsShort()
    {
        using var golden = Descent.Testing.Goldens.Load("book/ch6/batch_norm.json");
        var changed = System.Text.Json.Nodes.JsonNode.Parse(golden.RootElement.GetRawText())!;
        var acc = changed["train_acc"]!["with_BN"]!.AsArray();
        acc[7] = acc[7]!.GetValue<double>() + 0.001;
        using var edited = JsonDocument.Parse(changed.ToJsonString());
        var results = BookCheck.Compare(edited.RootElement, golden.RootElement);
        var failed = Assert.Single(results, r => !r.Passed);
        Assert.Contains("train_acc with_BN", failed.Case, StringComparison.Ordinal);
        Assert.Equal(0.001, failed.MaxRelativeError, 1e-12);

        acc.RemoveAt(19);
        using var shorter = JsonDocument.Parse(changed.ToJsonString());
        Assert.Contains(BookCheck.Compare(shorter.RootElement, golden.RootElement), r => !r.Passed && r.Reason is not null && r.Reason.Contains("19 values", StringComparison.Ordinal));
    }
}
