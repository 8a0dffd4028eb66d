extension Sequence {
    /// The elements mapped one after another, in order, by an async function.
    public func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var values: [T] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}
