using DeepNet.Keras.Optimizers;
using static DeepNet.Tests.Keras.Optimizers.OptimizerTestProblem;

namespace DeepNet.Tests.Keras.Optimizers;

/// <summary>
/// Each optimizer's first three steps on the fixed problem against Keras 3's update rules,
/// written out here in float64 independently of the backend kernel (keras-compat §5.2 and
/// keras/src/optimizers/*.py).
/// </summary>
public class OptimizerRuleTests
{
    private static readonly int N = Initial.Length;

    // Each expectation loop below: w and the slots in double, t counted from 1.
    private static List<double[]> Expect(Action<int, double[], double[]> step)
    {
        var w = Widen(Initial);
        var result = new List<double[]>();
        for (int s = 0; s < Gradients.Length; s++)
        {
            step(s + 1, w, Widen(Gradients[s]));
            result.Add((double[])w.Clone());
        }
        return result;
    }

    private static double F(double x) => (float)x; // a hyper-parameter as the float32 Keras casts it to

    [Test]
    public void Sgd_NoMomentum_MatchesKerasFormula()
    {
        double lr = F(0.1);
        var expected = Expect((_, w, g) => { for (int i = 0; i < N; i++) w[i] -= lr * g[i]; });
        AssertSteps(expected, Run(new SGD(learningRate: 0.1)));
    }

    [Test]
    public void Sgd_Momentum_MatchesKerasFormula()
    {
        double lr = F(0.1), mu = F(0.9);
        var m = new double[N];
        var expected = Expect((_, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                m[i] = mu * m[i] - lr * g[i];
                w[i] += m[i];
            }
        });
        AssertSteps(expected, Run(new SGD(learningRate: 0.1, momentum: 0.9)));
    }

    [Test]
    public void Sgd_Nesterov_MatchesKerasFormula()
    {
        double lr = F(0.05), mu = F(0.8);
        var m = new double[N];
        var expected = Expect((_, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                m[i] = mu * m[i] - lr * g[i];
                w[i] += mu * m[i] - lr * g[i];
            }
        });
        AssertSteps(expected, Run(new SGD(learningRate: 0.05, momentum: 0.8, nesterov: true)));
    }

    [Test]
    public void RmsProp_Plain_MatchesKerasFormula()
    {
        double lr = F(0.01), rho = F(0.9), eps = F(1e-7);
        var v = new double[N];
        var expected = Expect((_, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
                w[i] -= lr * g[i] / Math.Sqrt(v[i] + eps);
            }
        });
        AssertSteps(expected, Run(new RMSprop(learningRate: 0.01)));
    }

    [Test]
    public void RmsProp_CenteredWithMomentum_MatchesKerasFormula()
    {
        double lr = F(0.01), rho = F(0.8), mu = F(0.5), eps = F(1e-6);
        var v = new double[N];
        var a = new double[N];
        var m = new double[N];
        var expected = Expect((_, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
                a[i] = rho * a[i] + (1 - rho) * g[i];
                double increment = lr * g[i] / Math.Sqrt(v[i] - a[i] * a[i] + eps);
                m[i] = mu * m[i] + increment;
                w[i] -= m[i];
            }
        });
        AssertSteps(expected, Run(new RMSprop(learningRate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-6, centered: true)));
    }

    private static Action<int, double[], double[]> AdamRule(double lr, double b1, double b2, double eps, bool amsgrad, double weightDecay = 0)
    {
        var m = new double[N];
        var v = new double[N];
        var vHat = new double[N];
        return (t, w, g) =>
        {
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < N; i++)
            {
                w[i] -= lr * weightDecay * w[i];
                m[i] += (g[i] - m[i]) * (1 - b1);
                v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
                double denominator = v[i];
                if (amsgrad)
                {
                    vHat[i] = Math.Max(vHat[i], v[i]);
                    denominator = vHat[i];
                }
                w[i] -= alpha * m[i] / (Math.Sqrt(denominator) + eps);
            }
        };
    }

    [Test]
    public void Adam_Defaults_MatchesKerasFormula()
    {
        var expected = Expect(AdamRule(F(0.001), F(0.9), F(0.999), F(1e-7), amsgrad: false));
        AssertSteps(expected, Run(new Adam()));
    }

    [Test]
    public void Adam_Amsgrad_MatchesKerasFormula()
    {
        // Gradients that shrink make v fall below its running maximum, so v̂ matters.
        var gradients = new[]
        {
            new[] { 2.0f, -3.0f, 1.5f, 0.5f, -2.0f },
            new[] { 0.1f, -0.2f, 0.05f, 0.0f, -0.1f },
            new[] { 0.05f, 0.1f, -0.02f, 0.01f, 0.3f },
        };
        double lr = F(0.1), b1 = F(0.5), b2 = F(0.6), eps = F(1e-7);
        var rule = AdamRule(lr, b1, b2, eps, amsgrad: true);
        var w = Widen(Initial);
        var expected = new List<double[]>();
        for (int s = 0; s < 3; s++)
        {
            rule(s + 1, w, Widen(gradients[s]));
            expected.Add((double[])w.Clone());
        }
        AssertSteps(expected, Run(new Adam(learningRate: 0.1, beta1: 0.5, beta2: 0.6, amsgrad: true), gradients: gradients));
    }

    [Test]
    public void AdamW_WeightDecay_AppliedBeforeAdamRule()
    {
        var expected = Expect(AdamRule(F(0.01), F(0.9), F(0.999), F(1e-7), amsgrad: false, weightDecay: F(0.1)));
        AssertSteps(expected, Run(new AdamW(learningRate: 0.01, weightDecay: 0.1)));
    }

    [Test]
    public void Adagrad_MatchesKerasFormula()
    {
        double lr = F(0.1), eps = F(1e-7);
        var acc = Enumerable.Repeat(F(0.1), N).ToArray();
        var expected = Expect((_, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                acc[i] += g[i] * g[i];
                w[i] -= lr * g[i] / Math.Sqrt(acc[i] + eps);
            }
        });
        AssertSteps(expected, Run(new Adagrad(learningRate: 0.1)));
    }

    [Test]
    public void Adadelta_MatchesKerasFormula()
    {
        double lr = F(1.0), rho = F(0.95), eps = F(1e-6);
        var eg = new double[N];
        var ex = new double[N];
        var expected = Expect((_, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                eg[i] = rho * eg[i] + (1 - rho) * g[i] * g[i];
                double delta = -Math.Sqrt(ex[i] + eps) / Math.Sqrt(eg[i] + eps) * g[i];
                ex[i] = rho * ex[i] + (1 - rho) * delta * delta;
                w[i] += lr * delta;
            }
        });
        AssertSteps(expected, Run(new Adadelta(learningRate: 1.0, epsilon: 1e-6)));
    }

    [Test]
    public void Adamax_MatchesKerasFormula()
    {
        double lr = F(0.1), b1 = F(0.9), b2 = F(0.999), eps = F(1e-7);
        var m = new double[N];
        var u = new double[N];
        var expected = Expect((t, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - b1);
                u[i] = Math.Max(b2 * u[i], Math.Abs(g[i]));
                w[i] -= lr * m[i] / ((1 - Math.Pow(b1, t)) * (u[i] + eps));
            }
        });
        AssertSteps(expected, Run(new Adamax(learningRate: 0.1)));
    }

    [Test]
    public void Nadam_MatchesKerasFormula()
    {
        double lr = F(0.1), b1 = F(0.9), b2 = F(0.999), eps = F(1e-7);
        var m = new double[N];
        var v = new double[N];
        double product = 1;
        var expected = Expect((t, w, g) =>
        {
            double mu = b1 * (1 - 0.5 * Math.Pow(0.96, t));
            double muNext = b1 * (1 - 0.5 * Math.Pow(0.96, t + 1));
            product *= mu;
            for (int i = 0; i < N; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - b1);
                v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
                double mHat = muNext * m[i] / (1 - product * muNext) + (1 - mu) * g[i] / (1 - product);
                double vHat = v[i] / (1 - Math.Pow(b2, t));
                w[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        });
        AssertSteps(expected, Run(new Nadam(learningRate: 0.1)));
    }

    [Test]
    public void Ftrl_WithRegularization_MatchesKerasFormula()
    {
        double lr = F(0.1), power = F(-0.5), l1 = F(0.01), l2 = F(0.02), shrinkage = F(0.03), beta = F(0.1);
        var n = Enumerable.Repeat(F(0.1), N).ToArray();
        var z = new double[N];
        var expected = Expect((_, w, g) =>
        {
            double l2Adjusted = l2 + beta / (2 * lr);
            for (int i = 0; i < N; i++)
            {
                double shrunk = g[i] + 2 * shrinkage * w[i];
                double nNew = n[i] + g[i] * g[i];
                z[i] += shrunk - (Math.Pow(nNew, -power) - Math.Pow(n[i], -power)) / lr * w[i];
                double quadratic = Math.Pow(nNew, -power) / lr + 2 * l2Adjusted;
                w[i] = (Math.Clamp(z[i], -l1, l1) - z[i]) / quadratic;
                n[i] = nNew;
            }
        });
        AssertSteps(expected, Run(new Ftrl(learningRate: 0.1, l1RegularizationStrength: 0.01, l2RegularizationStrength: 0.02,
            l2ShrinkageRegularizationStrength: 0.03, beta: 0.1)));
    }

    [Test]
    public void Ftrl_Defaults_MatchesKerasFormula()
    {
        double lr = F(0.5), power = F(-0.5);
        var n = Enumerable.Repeat(F(0.1), N).ToArray();
        var z = new double[N];
        var expected = Expect((_, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                double nNew = n[i] + g[i] * g[i];
                z[i] += g[i] - (Math.Pow(nNew, -power) - Math.Pow(n[i], -power)) / lr * w[i];
                double quadratic = Math.Pow(nNew, -power) / lr;
                w[i] = (Math.Clamp(z[i], 0, 0) - z[i]) / quadratic;
                n[i] = nNew;
            }
        });
        AssertSteps(expected, Run(new Ftrl(learningRate: 0.5)));
    }

    [Test]
    public void Lion_MatchesKerasFormula()
    {
        double lr = F(0.1), b1 = F(0.9), b2 = F(0.99);
        var m = new double[N];
        var expected = Expect((_, w, g) =>
        {
            for (int i = 0; i < N; i++)
            {
                w[i] -= lr * Math.Sign(b1 * m[i] + (1 - b1) * g[i]);
                m[i] = b2 * m[i] + (1 - b2) * g[i];
            }
        });
        AssertSteps(expected, Run(new Lion(learningRate: 0.1)));
    }

    [Test]
    public void Sgd_WeightDecay_DecaysBeforeTheRule()
    {
        double lr = F(0.1), wd = F(0.5);
        var expected = Expect((_, w, g) => { for (int i = 0; i < N; i++) w[i] = w[i] - lr * wd * w[i] - lr * g[i]; });
        AssertSteps(expected, Run(new SGD(learningRate: 0.1, weightDecay: 0.5)));
    }

    [Test]
    public void Iterations_CountsSteps()
    {
        var adam = new Adam();
        Run(adam);
        Assert.That(adam.Iterations, Is.EqualTo(3));
    }
}
