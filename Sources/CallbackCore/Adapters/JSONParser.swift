import Foundation

/// Reads JSON text into a ``JSONValue``, giving for every input exactly what Foundation's `JSONDecoder` gave when it
/// decoded `JSONValue` (trying string, bool, `Int64`, `Double`, array and object in turn), without its cost: one pass
/// over the bytes, no error values built for the kinds a value is not.
///
/// What "exactly" takes, each found by experiment against Foundation (the differential tests keep the two in step):
/// - UTF-16 and UTF-32 text is recognised by a byte order mark or by the zero bytes around the first characters, as
///   Foundation does (RFC 4627, section 3), and converted with Foundation; a UTF-8 byte order mark is skipped.
/// - Whitespace is space, tab, line feed and carriage return; one value, any kind, may stand alone; a trailing comma
///   in an array or object is allowed.
/// - Arrays and objects nest at most 512 deep.
/// - Strings must be valid UTF-8 without unescaped control characters; `\u` escapes must form scalars (surrogates
///   only in pairs); `\u0000` is kept.
/// - A number without fraction or exponent that fits `Int64` is `.integer`. Any other number is read as a `Double`,
///   which must be finite; it is `.integer` when whole, fitting `Int64` and below 2^53 in magnitude, and above that
///   when Foundation's `Decimal` reading of the text truncates to an `Int64` (so `9007199254740993.5` is the integer
///   `9007199254740993`); otherwise `.number`.
/// - Of repeated object keys (equal as Swift strings), the first wins, and the values of the others are only
///   scanned, never read: Foundation checked their structure but not their strings or numbers, so
///   `{"a":1,"a":"\x"}` is `{"a":1}`.
struct JSONParser {
    /// Foundation's limit on nested arrays and objects.
    static let maximumDepth = 512

    /// Thrown for text that is not JSON; carries nothing, as callers only need to know that.
    struct Invalid: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// The bytes of a string with escapes, reused from string to string.
    private var scratch: [UInt8] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses a whole document; `nil` when it is not JSON.
    static func parse(_ bytes: some Sequence<UInt8>) -> JSONValue? {
        if let parsed = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0) }) {
            return parsed
        }
        return Array(bytes).withUnsafeBufferPointer { parse(buffer: $0) }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        let (encoding, markLength) = detectEncoding(buffer)
        let text = UnsafeBufferPointer(rebasing: buffer[markLength...])
        guard let encoding else { return parseUTF8(text) }
        // Never seen from a provider: Foundation's own conversion keeps its answer for malformed UTF-16 and UTF-32.
        guard var converted = String(bytes: text, encoding: encoding) else { return nil }
        return converted.withUTF8 { parseUTF8($0) }
    }

    private static func parseUTF8(_ text: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var parser = JSONParser(text)
        do {
            let value = try parser.value(reading: true)
            parser.skipWhitespace()
            return parser.index == text.count ? value : nil
        } catch {
            return nil
        }
    }

    /// The encoding of `bytes` (`nil` for UTF-8) and the length of its byte order mark, by Foundation's rules.
    private static func detectEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> (String.Encoding?, markLength: Int) {
        func byte(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
        switch (byte(0), byte(1), byte(2), byte(3)) {
        case (0, 0, 0xFE, 0xFF): return (.utf32BigEndian, 4)
        case (0xFE, 0xFF, 0, 0): return (.utf32LittleEndian, 4)
        case (0xFE, 0xFF, _, _): return (.utf16BigEndian, 2)
        case (0xFF, 0xFE, _, _): return (.utf16LittleEndian, 2)
        case (0xEF, 0xBB, 0xBF, _): return (nil, 3)
        case (0, 0, 0, .some(1...)): return (.utf32BigEndian, 0)
        case (0, .some(1...), 0, .some(1...)): return (.utf16BigEndian, 0)
        case (.some(1...), 0, 0, 0): return (.utf32LittleEndian, 0)
        case (.some(1...), 0, .some(1...), 0): return (.utf16LittleEndian, 0)
        // A lone digit in UTF-16 is two bytes; Foundation extends the rule to it.
        case (0, .some(1...), nil, nil): return (.utf16BigEndian, 0)
        case (.some(1...), 0, nil, nil): return (.utf16LittleEndian, 0)
        default: return (nil, 0)
        }
    }

    // MARK: - Structure

    /// The value at the reading position. When not `reading`, the value is only scanned, as Foundation scanned the
    /// values of repeated keys: its structure must hold, its strings and numbers are not looked into, and `.null`
    /// stands for it.
    private mutating func value(reading: Bool) throws(Invalid) -> JSONValue {
        switch try nextByte() {
        case UInt8(ascii: "\""):
            return reading ? .string(try string()) : try skipString()
        case UInt8(ascii: "{"):
            return try object(reading: reading)
        case UInt8(ascii: "["):
            return try array(reading: reading)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return reading ? try number() : skipNumber()
        default:
            throw Invalid()
        }
    }

    private mutating func array(reading: Bool) throws(Invalid) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        if try nextByte() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            let element = try value(reading: reading)
            if reading { elements.append(element) }
            if try endOfContainer(UInt8(ascii: "]")) { return .array(elements) }
        }
    }

    private mutating func object(reading: Bool) throws(Invalid) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        var members: [String: JSONValue] = [:]
        if try nextByte() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        // Room for a provider event's usual keys at once, rather than growing and rehashing three times on the way.
        members.reserveCapacity(8)
        while true {
            guard try nextByte() == UInt8(ascii: "\"") else { throw Invalid() }
            if reading {
                let key = try string()
                try colon()
                // The first of repeated keys wins; the others' values were never read by Foundation.
                let isRepeated = members[key] != nil
                let member = try value(reading: !isRepeated)
                if !isRepeated { members[key] = member }
            } else {
                _ = try skipString()
                try colon()
                _ = try value(reading: false)
            }
            if try endOfContainer(UInt8(ascii: "}")) { return .object(members) }
        }
    }

    /// Consumes the opening bracket or brace, refusing nesting beyond Foundation's limit.
    private mutating func enterContainer() throws(Invalid) {
        guard depth < Self.maximumDepth else { throw Invalid() }
        depth += 1
        index += 1
    }

    private mutating func colon() throws(Invalid) {
        guard try nextByte() == UInt8(ascii: ":") else { throw Invalid() }
        index += 1
    }

    /// After an element: `true` past the closing `close` (also after a trailing comma), `false` past a comma.
    private mutating func endOfContainer(_ close: UInt8) throws(Invalid) -> Bool {
        switch try nextByte() {
        case close:
            index += 1
            return true
        case UInt8(ascii: ","):
            index += 1
            guard try nextByte() == close else { return false }
            index += 1
            return true
        default:
            throw Invalid()
        }
    }

    /// Skips JSON whitespace and returns the byte after it; the end of the input is an error here.
    private mutating func nextByte() throws(Invalid) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw Invalid() }
        return bytes[index]
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(Invalid) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Invalid() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw Invalid()
        }
        index += count
    }

    // MARK: - Strings

    /// A string from its opening quote: valid UTF-8 is taken as it is; escapes are decoded into `scratch`.
    private mutating func string() throws(Invalid) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                return try escapedString()
            case 0..<0x20:
                throw Invalid()
            case 0x20..<0x80:
                index += 1
            default:
                try skipUTF8Sequence()
            }
        }
        throw Invalid()
    }

    /// The rest of a string that has escapes, after the bytes before the first one were put in `scratch`.
    private mutating func escapedString() throws(Invalid) -> String {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape()
            case 0..<0x20:
                throw Invalid()
            case let byte where byte < 0x80:
                scratch.append(byte)
                index += 1
            default:
                let start = index
                try skipUTF8Sequence()
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            }
        }
        throw Invalid()
    }

    /// Decodes one escape sequence from its backslash into `scratch`.
    private mutating func escape() throws(Invalid) {
        guard bytes.count - index >= 2 else { throw Invalid() }
        let letter = bytes[index + 1]
        index += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(letter)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            let scalar: Unicode.Scalar?
            if UTF16.isLeadSurrogate(unit) {
                // A high surrogate must be followed at once by an escaped low one.
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw Invalid() }
                index += 2
                let trail = try hexUnit()
                guard UTF16.isTrailSurrogate(trail) else { throw Invalid() }
                scalar = UTF16.decode(UTF16.EncodedScalar([unit, trail]))
            } else {
                scalar = Unicode.Scalar(unit)
            }
            guard let scalar else { throw Invalid() }
            UTF8.encode(scalar) { scratch.append($0) }
        default:
            throw Invalid()
        }
    }

    /// The four hex digits of a `\u` escape.
    private mutating func hexUnit() throws(Invalid) -> UInt16 {
        guard bytes.count - index >= 4 else { throw Invalid() }
        var unit: UInt16 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = HexDigit.value(byte) else { throw Invalid() }
            unit = unit << 4 | UInt16(digit)
        }
        index += 4
        return unit
    }

    /// Steps over one well-formed multi-byte UTF-8 sequence (Unicode table 3-7): no overlong forms, no surrogates,
    /// nothing above U+10FFFF.
    private mutating func skipUTF8Sequence() throws(Invalid) {
        let lead = bytes[index]
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; second = 0x80...0x8F
        default: throw Invalid()
        }
        guard bytes.count - index >= length, second.contains(bytes[index + 1]) else { throw Invalid() }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) {
            throw Invalid()
        }
        index += length
    }

    /// Steps over a string the way Foundation's scanner did: to the next unescaped quote, a backslash taking the byte
    /// after it (and `\u` four more, none of them a quote), anything else allowed.
    private mutating func skipString() throws(Invalid) -> JSONValue {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return .null
            case UInt8(ascii: "\\"):
                guard bytes.count - index >= 2 else { throw Invalid() }
                index += 2
                if bytes[index - 1] == UInt8(ascii: "u") {
                    guard bytes.count - index >= 4, !bytes[index..<index + 4].contains(UInt8(ascii: "\"")) else {
                        throw Invalid()
                    }
                    index += 4
                }
            default:
                index += 1
            }
        }
        throw Invalid()
    }

    // MARK: - Numbers

    /// A number by the JSON grammar, then its value as Foundation computed it (see the type's documentation).
    private mutating func number() throws(Invalid) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw Invalid() }
        // No leading zeros: after a 0 comes the fraction, the exponent or the end.
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        var isPlainInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isPlainInteger = false
            index += 1
            try requireDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isPlainInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            try requireDigits()
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if isPlainInteger, let integer = Self.plainInteger(text) {
            return .integer(integer)
        }
        // Foundation read the text with strtod, as Double(String) does; a number too large for a Double is refused.
        guard let double = Double(String(decoding: text, as: UTF8.self)), double.isFinite else { throw Invalid() }
        if let integer = Int64(exactly: double) {
            // Below 2^53 every whole Double is exact; above, Foundation trusted its Decimal reading instead.
            if double.magnitude < 0x1p53 { return .integer(integer) }
            if let integer = Self.decimalInteger(text) { return .integer(integer) }
        }
        return .number(double)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private mutating func requireDigits() throws(Invalid) {
        guard index < bytes.count, isDigit(bytes[index]) else { throw Invalid() }
        skipDigits()
    }

    /// Steps over a number the way Foundation's scanner did: any run of digits, `.`, `+`, `-`, `e` and `E`.
    private mutating func skipNumber() -> JSONValue {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"),
                 UInt8(ascii: "e"), UInt8(ascii: "E"):
                index += 1
            default:
                return .null
            }
        }
        return .null
    }

    /// Digits with an optional minus sign, when they fit `Int64`.
    private static func plainInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        let isNegative = text[0] == UInt8(ascii: "-")
        var magnitude: UInt64 = 0
        for byte in text.dropFirst(isNegative ? 1 : 0) {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            magnitude = sum
        }
        if isNegative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return Int64(exactly: magnitude)
    }

    /// The integer Foundation made of a whole `Double` of 2^53 or more: it read the text as a `Decimal` (a 128-bit
    /// significand, digits beyond it dropped, and an exponent within `Int8`), dropped trailing zeros, and truncated
    /// towards zero; `nil` when that significand exceeds 64 bits or the result `Int64`. Where the `Decimal` reading
    /// itself fails (well over a hundred digits), Foundation stops the process; this returns `nil` instead, so the
    /// number stays the `Double`.
    private static func decimalInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var significand = UInt128Parts()
        var exponent = 0
        var isFull = false
        var position = 0
        let isNegative = text[0] == UInt8(ascii: "-")
        if isNegative { position = 1 }
        while position < text.count, let digit = text[position].asciiDigit {
            position += 1
            if !isFull, let next = significand.timesTenPlus(digit) {
                significand = next
                continue
            }
            // Once the significand is full, each further digit of the integer part only scales it.
            isFull = true
            guard exponent < Int(Int8.max) else { return nil }
            exponent += 1
        }
        if position < text.count, text[position] == UInt8(ascii: ".") {
            position += 1
            while position < text.count, let digit = text[position].asciiDigit {
                position += 1
                guard !isFull, let next = significand.timesTenPlus(digit) else {
                    isFull = true
                    continue
                }
                significand = next
                guard exponent > Int(Int8.min) else { return nil }
                exponent -= 1
            }
        }
        if position < text.count {
            // The exponent: `e`, an optional sign, digits.
            position += 1
            let isNegativeExponent = text[position] == UInt8(ascii: "-")
            if text[position] == UInt8(ascii: "-") || text[position] == UInt8(ascii: "+") { position += 1 }
            var written = 0
            while position < text.count, let digit = text[position].asciiDigit {
                written = written * 10 + Int(digit)
                guard written <= 2 * Int(Int8.max) else { return nil }
                position += 1
            }
            exponent += isNegativeExponent ? -written : written
            guard Int(Int8.min)...Int(Int8.max) ~= exponent else { return nil }
        }
        while significand.isMultipleOfTen, exponent < Int(Int8.max) {
            significand = significand.dividedByTen
            exponent += 1
        }
        guard significand.high == 0 else { return nil }
        var magnitude = significand.low
        if exponent < 0 {
            for _ in 0 ..< -exponent { magnitude /= 10 }
        } else {
            for _ in 0..<exponent {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                magnitude = product
            }
        }
        guard let integer = Int64(exactly: magnitude) else { return nil }
        return isNegative ? -integer : integer
    }
}

/// An unsigned 128-bit integer as two words, for `Decimal`'s significand (`UInt128` needs macOS 15).
private struct UInt128Parts {
    var high: UInt64 = 0
    var low: UInt64 = 0

    /// `self * 10 + digit`, or `nil` when that needs more than 128 bits.
    func timesTenPlus(_ digit: UInt8) -> UInt128Parts? {
        let lowProduct = low.multipliedFullWidth(by: 10)
        let (highProduct, highOverflow) = high.multipliedReportingOverflow(by: 10)
        let (newLow, carry) = lowProduct.low.addingReportingOverflow(UInt64(digit))
        let (partialHigh, overflow1) = highProduct.addingReportingOverflow(lowProduct.high)
        let (newHigh, overflow2) = partialHigh.addingReportingOverflow(carry ? 1 : 0)
        guard !highOverflow, !overflow1, !overflow2 else { return nil }
        return UInt128Parts(high: newHigh, low: newLow)
    }

    var isMultipleOfTen: Bool {
        (high != 0 || low != 0) && dividedByTenWithRemainder.remainder == 0
    }

    var dividedByTen: UInt128Parts { dividedByTenWithRemainder.quotient }

    private var dividedByTenWithRemainder: (quotient: UInt128Parts, remainder: UInt64) {
        let (highQuotient, highRemainder) = high.quotientAndRemainder(dividingBy: 10)
        let (lowQuotient, remainder) = UInt64(10).dividingFullWidth((high: highRemainder, low: low))
        return (UInt128Parts(high: highQuotient, low: lowQuotient), remainder)
    }
}

private extension UInt8 {
    /// The value of an ASCII digit.
    var asciiDigit: UInt8? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) ? self - UInt8(ascii: "0") : nil
    }
}
