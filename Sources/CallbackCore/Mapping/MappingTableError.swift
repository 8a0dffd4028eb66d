/// Why entries do not make a table.
public enum MappingTableError: Error, Sendable, Hashable {
    /// Two entries share a key; the lines are those of the file, when known.
    case duplicateKey(MappingKey, firstLine: Int?, secondLine: Int?)
}
