#nullable enable
namespace DeepNet.Backends.Cpu.Elementwise;

/// <summary>
/// Scalar functions .NET does not provide (erf) or provides without the accuracy kernels need
/// (log1p, expm1 near 0). Each is evaluated in double and rounded once to float.
/// </summary>
internal static class ScalarMath
{
    // erf: the rational approximations of fdlibm's s_erf.c (Sun Microsystems 1993; freely
    // redistributable with its notice; the same code is FreeBSD msun/src/s_erf.c), evaluated in
    // double, so the float result is correctly rounded in almost every case (error < 1 ulp of
    // double before the final rounding). Intervals: [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35),
    // [1/0.35, 6), and erf = ±1 beyond 6.
    private const double Erx = 8.45062911510467529297e-01;
    private const double Efx = 1.28379167095512586316e-01;
    private const double Pp0 = 1.28379167095512558561e-01, Pp1 = -3.25042107247001499370e-01, Pp2 = -2.84817495755985104766e-02,
        Pp3 = -5.77027029648944159157e-03, Pp4 = -2.37630166566501626084e-05;
    private const double Qq1 = 3.97917223959155352819e-01, Qq2 = 6.50222499887672944485e-02, Qq3 = 5.08130628187576562776e-03,
        Qq4 = 1.32494738004321644526e-04, Qq5 = -3.96022827877536812320e-06;
    private const double Pa0 = -2.36211856075265944077e-03, Pa1 = 4.14856118683748331666e-01, Pa2 = -3.72207876035701323847e-01,
        Pa3 = 3.18346619901161753674e-01, Pa4 = -1.10894694282396677476e-01, Pa5 = 3.54783043256182359371e-02,
        Pa6 = -2.16637559486879084300e-03;
    private const double Qa1 = 1.06420880400844228286e-01, Qa2 = 5.40397917702171048937e-01, Qa3 = 7.18286544141962662868e-02,
        Qa4 = 1.26171219808761642112e-01, Qa5 = 1.36370839120290507362e-02, Qa6 = 1.19844998467991074170e-02;
    private const double Ra0 = -9.86494403484714822705e-03, Ra1 = -6.93858572707181764372e-01, Ra2 = -1.05586262253232909814e+01,
        Ra3 = -6.23753324503260060396e+01, Ra4 = -1.62396669462573470355e+02, Ra5 = -1.84605092906711035994e+02,
        Ra6 = -8.12874355063065934246e+01, Ra7 = -9.81432934416914548592e+00;
    private const double Sa1 = 1.96512716674392571292e+01, Sa2 = 1.37657754143519042600e+02, Sa3 = 4.34565877475229228821e+02,
        Sa4 = 6.45387271733267880336e+02, Sa5 = 4.29008140027567833386e+02, Sa6 = 1.08635005541779435134e+02,
        Sa7 = 6.57024977031928170135e+00, Sa8 = -6.04244152148580987438e-02;
    private const double Rb0 = -9.86494292470009928597e-03, Rb1 = -7.99283237680523006574e-01, Rb2 = -1.77579549177547519889e+01,
        Rb3 = -1.60636384855821916062e+02, Rb4 = -6.37566443368389627722e+02, Rb5 = -1.02509513161107724954e+03,
        Rb6 = -4.83519191608651397019e+02;
    private const double Sb1 = 3.03380607434824582924e+01, Sb2 = 3.25792512996573918826e+02, Sb3 = 1.53672958608443695994e+03,
        Sb4 = 3.19985821950859553908e+03, Sb5 = 2.55305040643316442583e+03, Sb6 = 4.74528541206955367215e+02,
        Sb7 = -2.24409524465858183362e+01;

    /// <summary>The error function, float in and out; NaN stays NaN, erf(±∞) = ±1.</summary>
    public static float Erf(float x) => (float)Erf((double)x);

    /// <summary>fdlibm erf in double (see the note above for the source).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 0.84375)
        {
            if (ax < 3.7252902984e-09) return x + Efx * x; // |x| < 2^-28
            double z = x * x;
            double r = Pp0 + z * (Pp1 + z * (Pp2 + z * (Pp3 + z * Pp4)));
            double s = 1.0 + z * (Qq1 + z * (Qq2 + z * (Qq3 + z * (Qq4 + z * Qq5))));
            return x + x * (r / s);
        }
        if (ax < 1.25)
        {
            double s = ax - 1.0;
            double p = Pa0 + s * (Pa1 + s * (Pa2 + s * (Pa3 + s * (Pa4 + s * (Pa5 + s * Pa6)))));
            double q = 1.0 + s * (Qa1 + s * (Qa2 + s * (Qa3 + s * (Qa4 + s * (Qa5 + s * Qa6)))));
            return x >= 0 ? Erx + p / q : -Erx - p / q;
        }
        if (ax >= 6.0) return x >= 0 ? 1.0 : -1.0;
        double w = 1.0 / (ax * ax);
        double rr, ss;
        if (ax < 1.0 / 0.35)
        {
            rr = Ra0 + w * (Ra1 + w * (Ra2 + w * (Ra3 + w * (Ra4 + w * (Ra5 + w * (Ra6 + w * Ra7))))));
            ss = 1.0 + w * (Sa1 + w * (Sa2 + w * (Sa3 + w * (Sa4 + w * (Sa5 + w * (Sa6 + w * (Sa7 + w * Sa8)))))));
        }
        else
        {
            rr = Rb0 + w * (Rb1 + w * (Rb2 + w * (Rb3 + w * (Rb4 + w * (Rb5 + w * Rb6)))));
            ss = 1.0 + w * (Sb1 + w * (Sb2 + w * (Sb3 + w * (Sb4 + w * (Sb5 + w * (Sb6 + w * Sb7))))));
        }
        // z is ax with the low 32 bits cleared, so z·z is exact and exp's argument keeps its precision.
        double zz = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(ax) & unchecked((long)0xFFFFFFFF00000000UL));
        double e = Math.Exp(-zz * zz - 0.5625) * Math.Exp((zz - ax) * (zz + ax) + rr / ss);
        double result = 1.0 - e / ax;
        return x >= 0 ? result : -result;
    }

    /// <summary>log(1 + x), accurate near 0 (the u = 1 + x correction of Goldberg, "What every computer scientist should know about floating-point").</summary>
    public static float Log1p(float x)
    {
        double u = 1.0 + x;
        if (u == 1.0 || double.IsPositiveInfinity(u)) return x;
        return (float)(Math.Log(u) * (x / (u - 1.0)));
    }

    /// <summary>exp(x) - 1; in double, so the subtraction near 0 loses nothing a float can hold.</summary>
    public static float Expm1(float x)
    {
        double d = x;
        // Below 1e-5 the Taylor terms up to x³ are exact to double precision; above, exp(d) - 1 is.
        return Math.Abs(d) < 1e-5 ? (float)(d + d * d * (0.5 + d / 6.0)) : (float)(Math.Exp(d) - 1.0);
    }
}
