using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Sampler;

/// <summary>Samplers save inside ML.NET model zips and load, also in a fresh process, generating identical samples.</summary>
[Collection(FashionVaeCollection.Name)]
public sealed class SamplerPersistenceTests(FashionVae fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mlnetae-sampler-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* best effort */ }
    }

    private string Save(ITransformer model, string name)
    {
        var path = Path.Combine(folder, name + ".zip");
        fixture.Ml.Model.Save(model, fixture.Test.Schema, path);
        return path;
    }

    [Theory]
    [InlineData(VaeSamplingMode.Prior, VaeDecoderOutput.Mean)]
    [InlineData(VaeSamplingMode.Posterior, VaeDecoderOutput.GaussianDraw)]
    public void ASamplerRoundTripsThroughAModelZipWithItsSettingsAndSamples(VaeSamplingMode mode, VaeDecoderOutput output)
    {
        using var sampler = fixture.Sampler(mode, seed: 21, temperature: 0.8f, output: output, scoringBatchSize: 64);
        var path = Save(sampler, mode.ToString());

        using var loaded = (VaeSamplerTransformer)new MLContext().Model.Load(path, out var schema);

        Assert.Equal(fixture.Test.Schema["Features"].Type, schema["Features"].Type);
        Assert.Equal(sampler.Settings, loaded.Settings);
        Assert.Equal(64, loaded.ScoringBatchSize);
        Assert.Equal(sampler.Transform(fixture.Test).VectorColumn("Sample"), loaded.Transform(fixture.Test).VectorColumn("Sample"));
        Assert.Equal(sampler.Generate(100, seed: 3).VectorColumn("Sample"), loaded.Generate(100, seed: 3).VectorColumn("Sample"));
    }

    [Fact]
    public void AFreshProcessLoadsTheZipAndGeneratesIdenticalSamplesThroughTransformAndThePredictionEnginePath()
    {
        using var sampler = fixture.Sampler(VaeSamplingMode.Prior, seed: 13);
        var path = Save(sampler, "fresh");

        var viaTransform = FreshProcess.Transform(fixture.Ml, path, fixture.Test, viaRowMapper: false);
        var viaMapper = FreshProcess.Transform(fixture.Ml, path, fixture.Test, viaRowMapper: true);

        Assert.Equal(sampler.Transform(fixture.Test).VectorColumn("Sample"), viaTransform.VectorColumn("Sample"));
        var mapper = sampler.GetRowToRowMapper(fixture.Test.Schema);
        Assert.Equal(RowByRow(mapper, fixture.Test), viaMapper.VectorColumn("Sample"));
    }

    [Fact]
    public void ASamplerInAChainAfterTheVaeRoundTripsAndDecodesItsEmbeddings()
    {
        var embedded = fixture.Vae.Transform(fixture.Test);
        using var decoder = fixture.Ml.Transforms.VaeSampler(fixture.SamplerOptions(VaeSamplingMode.Decode)).Fit(embedded);
        var chain = new TransformerChain<ITransformer>(fixture.Vae, decoder);
        var path = Save(chain, "chain");

        var loaded = new MLContext().Model.Load(path, out _);
        var output = loaded.Transform(fixture.Test);

        Assert.Equal(chain.Transform(fixture.Test).VectorColumn("Sample"), output.VectorColumn("Sample"));
        Assert.Equal(output.VectorColumn("Reconstruction"), output.VectorColumn("Sample"));
    }

    private static float[][] RowByRow(IRowToRowMapper mapper, IDataView input)
    {
        var column = mapper.OutputSchema["Sample"];
        var result = new List<float[]>();
        using var cursor = input.GetRowCursor(mapper.GetDependencies(new[] { column }));
        using var row = mapper.GetRow(cursor, new[] { column });
        var getter = row.GetGetter<VBuffer<float>>(column);
        var value = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value.DenseValues().ToArray());
        }
        return result.ToArray();
    }
}
