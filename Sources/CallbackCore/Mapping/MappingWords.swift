/// Splits one line of a mapping file into words: spaces and tabs separate, double quotes group, `#` outside
/// quotes ends the line.
enum MappingWords {
    struct Problem: Error {
        var message: String
    }

    static func split(_ line: Substring) -> Result<[String], Problem> {
        var words: [String] = []
        var current = ""
        var inWord = false
        var inQuotes = false
        for character in line {
            if inQuotes {
                if character == "\"" { inQuotes = false } else { current.append(character) }
                continue
            }
            switch character {
            case "\"":
                inQuotes = true
                inWord = true
            case "#":
                if inWord { words.append(current) }
                return .success(words)
            case " ", "\t", "\r":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if inQuotes { return .failure(Problem(message: "a double quote is not closed; close it or remove it")) }
        if inWord { words.append(current) }
        return .success(words)
    }
}
