/// Splits one line of a mapping file into words: spaces and tabs separate, double quotes group, `#` outside
/// quotes ends the line.
///
/// Lines are read scalar by scalar, not by `Character`: a word ending in a Unicode "prepend" character (U+0600 …)
/// would otherwise join the space after it into one `Character`, so that the space no longer separated words.
enum MappingWords {
    struct Problem: Error {
        var message: String
    }

    static func split(_ line: Substring) -> Result<[String], Problem> {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var inWord = false
        var inQuotes = false
        for character in line.unicodeScalars {
            if inQuotes {
                if character == "\"" { inQuotes = false } else { current.append(character) }
                continue
            }
            switch character {
            case "\"":
                inQuotes = true
                inWord = true
            case "#":
                if inWord { words.append(String(current)) }
                return .success(words)
            case " ", "\t", "\r":
                if inWord { words.append(String(current)) }
                current = String.UnicodeScalarView()
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if inQuotes { return .failure(Problem(message: "a double quote is not closed; close it or remove it")) }
        if inWord { words.append(String(current)) }
        return .success(words)
    }
}
