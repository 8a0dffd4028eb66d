/// A deterministic random number generator (SplitMix64), so that a failing randomised case can be reproduced from
/// its seed.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// A generator that always draws the same sequence from `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// `count` random bodies of up to `maxLength` bytes drawn from `alphabet`.
    public mutating func bodies(_ count: Int, maxLength: Int, alphabet: [UInt8]) -> [[UInt8]] {
        (0..<count).map { _ in
            (0..<Int.random(in: 0...maxLength, using: &self)).map { _ in alphabet.randomElement(using: &self) ?? 0 }
        }
    }
}
