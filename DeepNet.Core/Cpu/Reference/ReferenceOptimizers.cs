#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 versions of the fused optimizer updates, written straight from the Keras 3 rules in
/// keras-compat §5.2 (and keras/src/optimizers/ftrl.py, lion.py): one readable loop per kind, no
/// vectors, step scalars recomputed from the hyper-parameters. Slots in the order
/// <see cref="OptimizerKind"/> documents. Not for production use.
/// </summary>
public static class ReferenceOptimizers
{
    /// <summary>Updates w and the slots in place for one step.</summary>
    public static void Update(in OptimizerStep s, double[] w, double[] g, double[][] slots)
    {
        double lr = s.LearningRate, t = s.Iteration, eps = s.Epsilon;
        double b1 = s.Beta1, b2 = s.Beta2, rho = s.Rho, mu = s.Momentum;
        for (int i = 0; i < w.Length; i++)
        {
            // Decoupled weight decay first.
            w[i] -= lr * s.WeightDecay * w[i];
            double gi = g[i];
            switch (s.Kind)
            {
                case OptimizerKind.Sgd:
                    if (mu > 0)
                    {
                        double[] m = slots[0];
                        m[i] = mu * m[i] - lr * gi;
                        w[i] += s.Nesterov ? mu * m[i] - lr * gi : m[i];
                    }
                    else w[i] -= lr * gi;
                    break;

                case OptimizerKind.RmsProp:
                {
                    double[] v = slots[0];
                    v[i] = rho * v[i] + (1 - rho) * gi * gi;
                    double denominator = v[i] + eps;
                    if (s.Centered)
                    {
                        double[] a = slots[mu > 0 ? 2 : 1];
                        a[i] = rho * a[i] + (1 - rho) * gi;
                        denominator = v[i] - a[i] * a[i] + eps;
                    }
                    double delta = lr * gi / Math.Sqrt(denominator);
                    if (mu > 0)
                    {
                        double[] m = slots[1];
                        m[i] = mu * m[i] + delta;
                        w[i] -= m[i];
                    }
                    else w[i] -= delta;
                    break;
                }

                case OptimizerKind.Adam:
                {
                    double[] m = slots[0], v = slots[1];
                    m[i] += (1 - b1) * (gi - m[i]);
                    v[i] += (1 - b2) * (gi * gi - v[i]);
                    double vUsed = v[i];
                    if (s.Amsgrad)
                    {
                        slots[2][i] = Math.Max(slots[2][i], v[i]);
                        vUsed = slots[2][i];
                    }
                    double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
                    w[i] -= alpha * m[i] / (Math.Sqrt(vUsed) + eps);
                    break;
                }

                case OptimizerKind.Adagrad:
                {
                    double[] acc = slots[0];
                    acc[i] += gi * gi;
                    w[i] -= lr * gi / Math.Sqrt(acc[i] + eps);
                    break;
                }

                case OptimizerKind.Adadelta:
                {
                    double[] eg = slots[0], ex = slots[1];
                    eg[i] = rho * eg[i] + (1 - rho) * gi * gi;
                    double delta = -Math.Sqrt(ex[i] + eps) / Math.Sqrt(eg[i] + eps) * gi;
                    ex[i] = rho * ex[i] + (1 - rho) * delta * delta;
                    w[i] += lr * delta;
                    break;
                }

                case OptimizerKind.Adamax:
                {
                    double[] m = slots[0], u = slots[1];
                    m[i] += (1 - b1) * (gi - m[i]);
                    u[i] = Math.Max(b2 * u[i], Math.Abs(gi));
                    w[i] -= lr * m[i] / ((1 - Math.Pow(b1, t)) * (u[i] + eps));
                    break;
                }

                case OptimizerKind.Nadam:
                {
                    double[] m = slots[0], v = slots[1];
                    double muT = s.NadamMu, muNext = s.NadamMuNext, product = s.NadamMuProduct;
                    m[i] += (1 - b1) * (gi - m[i]);
                    v[i] += (1 - b2) * (gi * gi - v[i]);
                    double mHat = muNext * m[i] / (1 - product * muNext) + (1 - muT) * gi / (1 - product);
                    double vHat = v[i] / (1 - Math.Pow(b2, t));
                    w[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
                    break;
                }

                case OptimizerKind.Ftrl:
                {
                    double[] n = slots[0], z = slots[1];
                    double power = -(double)s.LearningRatePower;
                    double l2 = s.L2 + s.FtrlBeta / (2 * lr);
                    double shrunk = gi + 2 * s.L2Shrinkage * w[i];
                    double newN = n[i] + gi * gi;
                    z[i] += shrunk - (Math.Pow(newN, power) - Math.Pow(n[i], power)) / lr * w[i];
                    double quadratic = Math.Pow(newN, power) / lr + 2 * l2;
                    w[i] = (Math.Clamp(z[i], -(double)s.L1, s.L1) - z[i]) / quadratic;
                    n[i] = newN;
                    break;
                }

                case OptimizerKind.Lion:
                {
                    double[] m = slots[0];
                    w[i] -= lr * Math.Sign(b1 * m[i] + (1 - b1) * gi);
                    m[i] = b2 * m[i] + (1 - b2) * gi;
                    break;
                }

                default:
                    throw new ArgumentOutOfRangeException(nameof(s), s.Kind, "Unknown optimizer kind.");
            }
        }
    }
}
