/// Why a mapping file was refused. Lists every problem, each with the file and line it is on.
public struct MappingFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem on one line.
    public struct Problem: Sendable, Hashable {
        /// The 1-based line number.
        public var line: Int
        /// What is wrong and how to put it right.
        public var message: String
    }

    /// The file's name as the operator gave it.
    public var file: String
    /// Every problem found, in line order.
    public var problems: [Problem]

    /// `file:line: message` per problem, one per line, as compilers print them.
    public var description: String {
        problems.map { "\(file):\($0.line): \($0.message)" }.joined(separator: "\n")
    }
}
