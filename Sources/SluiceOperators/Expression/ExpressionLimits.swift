/// The largest expressions Sluice accepts. Parsing, checking, evaluating and the lineage walk
/// all recurse over the syntax tree, so without a bound a hostile expression (`((((…))))`
/// twenty thousand deep, a million `!`s) would overflow the thread's stack and kill the
/// server. Both limits are checked while parsing, before anything deep is built, and a
/// breach is an ``ExpressionError`` at the spot, which a spec reports as a 400.
public enum ExpressionLimits {
    /// The longest expression source, in UTF-8 bytes (64 KiB).
    public static let maximumSourceBytes = 65_536

    /// The deepest nesting of an expression. The whole expression is level 1; each
    /// parenthesised group, each operand right of a binary operator, each prefix operator
    /// (`-`, `!`), each function argument and each part of a `case` opens one level more, so
    /// `abs(x)` reaches level 2 and `a * (b + c)` level 4. A run of binary operators is one
    /// level however long: `a + b + c + …` is kept as one list of operands, evaluated left to
    /// right, rather than a tree one level deeper per operator.
    ///
    /// Why 128: parsing, compiling, evaluating, collecting the fields read (for lineage and
    /// projection) and releasing the tree each recurse once per level, and all must fit a
    /// 512 KiB stack (a secondary thread's default on macOS, the smallest Sluice runs on) with
    /// room to spare. The deepest-reaching walk is the parser; in a debug build (the largest
    /// frames) it takes about 2.6 KiB per level of nested function calls or `case`s and about
    /// 1.4 KiB per parenthesis, so 128 levels need at most about 340 KiB, with the rest of
    /// the stack left to the caller. Optimized builds need a fraction of that. 128 levels is
    /// far more nesting than a hand-written expression has. `ExpressionLimitsTests` runs every
    /// walk at the limit, for each kind of nesting, on a 512 KiB thread.
    public static let maximumDepth = 128
}
