/// PostgreSQL's text form of a one-dimensional array, for a parameter cast to `text[]`, `bigint[]` and the like.
enum ArrayText {
    /// `{"a","b\"c",NULL}`: every element quoted, `"` and `\` escaped, `nil` as `NULL`.
    static func literal(_ values: [String?]) -> String {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            guard let value else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
