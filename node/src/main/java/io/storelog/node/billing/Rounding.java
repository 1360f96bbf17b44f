package io.storelog.node.billing;

import java.math.BigInteger;

/** Exact integer division with half-up rounding (half away from zero), the one rounding rule of pricing. */
public final class Rounding {
    private Rounding() {
    }

    /**
     * {@code numerator / denominator} rounded to the nearest integer, halves away from zero.
     *
     * @throws ArithmeticException if the denominator is zero or the result does not fit a long
     */
    public static long halfUp(long numerator, long denominator) {
        if (denominator > 0) {
            long q = numerator / denominator;
            long r = Math.abs(numerator % denominator);
            // Compare 2r >= d without computing 2r, which could overflow for large denominators.
            if (r >= denominator - r) {
                q += numerator < 0 ? -1 : 1;
            }
            return q;
        }
        if (denominator == 0) {
            throw new ArithmeticException("division by zero");
        }
        // Negative denominators are rare; BigInteger avoids the Long.MIN_VALUE corner of negation.
        return halfUp(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
    }

    /**
     * {@code a * b / denominator} rounded half-up, exact even when {@code a * b} overflows a long
     * (the quotient often fits although the product does not, e.g. net * qty / soldQty).
     *
     * @throws ArithmeticException if the denominator is zero or the result does not fit a long
     */
    public static long mulDivHalfUp(long a, long b, long denominator) {
        long product;
        try {
            product = Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            if (denominator == 0) {
                throw new ArithmeticException("division by zero");
            }
            return halfUp(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)), BigInteger.valueOf(denominator));
        }
        return halfUp(product, denominator);
    }

    /**
     * Floor of {@code a * b / denominator} and its remainder for non-negative operands, exact even when
     * the product overflows; the remainder is below the denominator, so it fits a long.
     */
    static long[] mulDivFloor(long a, long b, long denominator) {
        if (a < 0 || b < 0 || denominator <= 0) {
            throw new IllegalArgumentException("mulDivFloor needs a, b >= 0 and denominator > 0");
        }
        try {
            long product = Math.multiplyExact(a, b);
            return new long[] {product / denominator, product % denominator};
        } catch (ArithmeticException overflow) {
            BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
                    .divideAndRemainder(BigInteger.valueOf(denominator));
            return new long[] {qr[0].longValueExact(), qr[1].longValueExact()};
        }
    }

    private static long halfUp(BigInteger numerator, BigInteger denominator) {
        BigInteger[] qr = numerator.divideAndRemainder(denominator);
        BigInteger q = qr[0];
        if (qr[1].abs().shiftLeft(1).compareTo(denominator.abs()) >= 0) {
            q = q.add(BigInteger.valueOf((long) numerator.signum() * denominator.signum()));
        }
        return q.longValueExact();
    }
}
