using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using MLNetAutoencoders.Tests.Infrastructure;
using Xunit;

namespace MLNetAutoencoders.Tests.Reliability;

/// <summary>
/// TorchSharp 0.107 converts numbers to <c>Scalar</c> implicitly (<c>tensor * 0.5f</c>), and such a Scalar is
/// unreachable once its handle is passed to libtorch: a garbage collection triggered by any other thread can
/// finalize it, freeing the native value while libtorch still reads it (seen as "Expected false to be true ...
/// toFloat" inside an optimizer step, and possibly as a silently wrong number). A timing test cannot catch that
/// race reliably, so this one reads the code instead: it compiles src/ with Roslyn and requires that no expression
/// anywhere is converted to a Scalar implicitly. Explicit Scalars (<c>using var half = 0.5f.ToScalar();</c>) stay
/// alive until the end of their scope.
/// </summary>
public class ImplicitScalarTests
{
    [Fact]
    public void NoSourceFileConvertsANumberToATorchSharpScalarImplicitly()
    {
        var root = Repository.Root;
        var files = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToArray();
        Assert.True(files.Length > 20, $"only {files.Length} source files found under {root}/src");
        var compilation = Compile(files);
        Assert.NotNull(compilation.GetTypeByMetadataName("TorchSharp.Scalar"));

        var findings = compilation.SyntaxTrees
            .SelectMany(tree => ImplicitScalars(compilation, tree)
                .Select(e => $"{Path.GetRelativePath(root, tree.FilePath)}:{tree.GetLineSpan(e.Span).StartLinePosition.Line + 1}: '{e}' hands a number to TorchSharp without an explicit Scalar"))
            .ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void TheCheckFindsAnImplicitScalarWhenThereIsOne()
    {
        const string code = """
            using static TorchSharp.torch;
            static class Probe
            {
                static Tensor NumberOperand(Tensor x) => x * 0.5f;
                static Tensor NumberArgument(Tensor x) => x.clamp(0.0, 1.0);
                static Tensor DefaultAlpha(Tensor x, Tensor y) => x + y;
                static Tensor DefaultAlphaCall(Tensor x, Tensor y) => x.add_(y);
                static Tensor Explicit(Tensor x) { using var half = 0.5f.ToScalar(); return x * half; }
            }
            """;
        var compilation = Compile([], CSharpSyntaxTree.ParseText(code, path: "Probe.cs"));
        var implicitScalars = ImplicitScalars(compilation, compilation.SyntaxTrees.Single()).Select(e => e.ToString()).ToArray();

        Assert.Equal(new[] { "x * 0.5f", "0.0", "1.0", "x + y", "x.add_(y)" }, implicitScalars);
    }

    /// <summary>
    /// Where a number meets a tensor without an explicit Scalar: an expression the compiler wraps in an implicit
    /// conversion to TorchSharp.Scalar (an operand of a tensor operator, an argument of a Scalar parameter), and a
    /// tensor operator taking a plain number (<c>operator *(Tensor, float)</c> converts it inside TorchSharp, out of
    /// the caller's reach).
    /// </summary>
    private static IEnumerable<ExpressionSyntax> ImplicitScalars(Compilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        foreach (var expression in tree.GetRoot().DescendantNodes().OfType<ExpressionSyntax>())
        {
            var operation = model.GetOperation(expression);
            if (operation is IBinaryOperation { OperatorMethod: { } method } &&
                method.ContainingType.ToDisplayString() == "TorchSharp.torch.Tensor" &&
                method.Parameters.Any(p => p.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
                    or SpecialType.System_Single or SpecialType.System_Double))
            {
                yield return expression;
                continue;
            }
            // TorchSharp's Tensor +, - and the add/sub/addcmul/addcdiv overloads without a Scalar alpha (or value)
            // create the alpha of 1 themselves, implicitly.
            if (operation is IBinaryOperation { OperatorMethod: { } op, OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } &&
                op.ContainingType.ToDisplayString() == "TorchSharp.torch.Tensor")
            {
                yield return expression;
                continue;
            }
            if (operation is IInvocationOperation invocation && expression is InvocationExpressionSyntax &&
                invocation.TargetMethod.ContainingType.ToDisplayString() == "TorchSharp.torch.Tensor" &&
                invocation.TargetMethod.Name is "add" or "add_" or "sub" or "sub_" or "addcmul" or "addcmul_" or "addcdiv" or "addcdiv_" &&
                !HasExplicitAlpha(invocation.TargetMethod))
            {
                yield return expression;
                continue;
            }
            if (operation?.Parent is IConversionOperation { IsImplicit: true } conversion &&
                conversion.Conversion.IsUserDefined && conversion.Syntax == expression &&
                conversion.OperatorMethod?.ContainingType.ToDisplayString() == "TorchSharp.Scalar")
                yield return expression;
        }
    }

    /// <summary>Whether the overload takes its alpha (add, sub: after the operand) or value (addcmul, addcdiv) as a Scalar.</summary>
    private static bool HasExplicitAlpha(IMethodSymbol method)
    {
        var scalars = method.Parameters.Count(p => p.Type.ToDisplayString() == "TorchSharp.Scalar");
        var operandIsScalar = method.Parameters.Length > 0 && method.Parameters[0].Type.ToDisplayString() == "TorchSharp.Scalar";
        return method.Name.StartsWith("addc", StringComparison.Ordinal) ? scalars >= 1 : scalars >= (operandIsScalar ? 2 : 1);
    }

    private static CSharpCompilation Compile(string[] files, params SyntaxTree[] extra)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: f)).Concat(extra);
        // The test's own output folder holds TorchSharp, ML.NET and the rest; the platform's assemblies come from the host.
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(p => !Path.GetFileName(p).StartsWith("MLNetAutoencoders", StringComparison.Ordinal));
        var references = platform.Concat(local)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .Where(IsManagedAssembly)
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("ImplicitScalarProbe", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
