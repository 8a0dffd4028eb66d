/// One line of a mapping table.
public struct MappingEntry: Sendable, Hashable {
    /// What the line matches.
    public var key: MappingKey
    /// What it means.
    public var target: MappingTarget
    /// The line of the file it came from, when it came from a file.
    public var line: Int?

    /// Creates an entry.
    public init(key: MappingKey, target: MappingTarget, line: Int? = nil) {
        self.key = key
        self.target = target
        self.line = line
    }
}
