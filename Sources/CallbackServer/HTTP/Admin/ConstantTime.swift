/// Compares secrets in time that depends only on the length of the expected one, so that a caller cannot learn a
/// token byte by byte from how long a refusal takes.
enum ConstantTime {
    static func equals(_ given: some Collection<UInt8>, _ expected: some Collection<UInt8>) -> Bool {
        let given = Array(given)
        let expected = Array(expected)
        var difference = UInt8(truncatingIfNeeded: given.count ^ expected.count)
        for index in expected.indices {
            let byte = index < given.count ? given[index] : 0
            difference |= byte ^ expected[index]
        }
        return difference == 0
    }
}
