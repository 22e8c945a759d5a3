using Autotune.Engine.Metrics.Exposition;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>The label block's grammar: what <c>Read</c> says of a malformed block, and <c>IsValid</c> agreeing with it.</summary>
public sealed class LabelBlockTests
{
    [Theory]
    [InlineData("{1a=\"x\"}", "invalid label name at column 2")]
    [InlineData("{a \"x\"}", "expected '=' after label name 'a'")]
    [InlineData("{a=x}", "expected '\"' to open the value of label 'a'")]
    [InlineData("{a=\"x}", "unterminated value of label 'a'")]
    [InlineData("{a=\"x\\}", "unterminated value of label 'a'")]
    [InlineData("{a=\"x\\t\"}", "invalid escape '\\t' in the value of label 'a'")]
    [InlineData("{a=\"x\" b=\"y\"}", "expected ',' or '}' after the value of label 'a'")]
    [InlineData("{a=\"x\",a=\"y\"}", "label 'a' appears twice")]
    [InlineData("{a=\"x\",a=\"y\" b}", "label 'a' appears twice")]
    public void Read_names_what_breaks_a_block_and_IsValid_refuses_it(string block, string error)
    {
        Assert.Null(LabelBlock.Read(block, new SeriesTable(), out var message));
        Assert.Equal(error, message);
        Assert.False(LabelBlock.IsValid(block));
    }

    [Theory]
    [InlineData("{}", "")]
    [InlineData("{ a = \"1\" , b=\"two\", }", "a=1|b=two")]
    [InlineData("{path=\"C:\\\\dir\",q=\"say \\\"hi\\\"\",n=\"a\\nb\"}", "path=C:\\dir|q=say \"hi\"|n=a\nb")]
    public void Read_unescapes_the_values_of_a_block_IsValid_accepts(string block, string labels)
    {
        var read = LabelBlock.Read(block, new SeriesTable(), out var error);

        Assert.Null(error);
        Assert.Equal(labels, string.Join('|', read!.Select(l => $"{l.Name}={l.Value}")));
        Assert.True(LabelBlock.IsValid(block));
    }

    [Fact]
    public void IsValid_leaves_a_block_of_more_than_sixteen_labels_to_Read()
    {
        var block = "{" + string.Join(',', Enumerable.Range(0, 17).Select(i => $"l{i}=\"{i}\"")) + "}";

        Assert.False(LabelBlock.IsValid(block));
        Assert.Equal(17, LabelBlock.Read(block, new SeriesTable(), out _)!.Count);
    }
}
