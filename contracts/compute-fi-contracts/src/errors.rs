//! Failures that mean the same in every contract, declared once.

alloy_sol_types::sol! {
    /// `initialize` or the constructor already ran (on this contract or clone).
    #[derive(Debug)]
    error AlreadyInitialized();
    /// A computation overflowed or divided by zero.
    #[derive(Debug)]
    error MathOverflow();
}
