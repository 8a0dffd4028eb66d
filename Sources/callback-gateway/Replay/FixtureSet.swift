import CallbackCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixture files named on the command line (files, folders, glob patterns), read and parsed, in file order.
struct FixtureSet {
    struct Entry {
        var path: String
        var fixture: ReceiptFixture
    }

    let entries: [Entry]

    /// Expands and reads `paths`. Folders give every `.receipt` file below them; order is by full path.
    static func load(_ paths: [String]) throws -> FixtureSet {
        var files: [String] = []
        for path in paths { files += try expand(path) }
        let unique = Array(Set(files)).sorted()
        guard !unique.isEmpty else {
            throw ConfigurationError("no .receipt files found in \(paths.joined(separator: " ")); give fixture files or folders (e.g. fixtures/)")
        }
        let entries = try unique.map { file in
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ConfigurationError("cannot read the fixture \(file); check it exists and is UTF-8 text")
            }
            do {
                return Entry(path: file, fixture: try ReceiptFixtureParser.parse(text, file: file))
            } catch {
                throw ConfigurationError("\(error)")
            }
        }
        return FixtureSet(entries: entries)
    }

    /// The notifications file for these fixtures: `notifications.json` in a folder given, or in the nearest folder
    /// above a file given.
    static func notificationsFile(for paths: [String]) -> String? {
        let manager = FileManager.default
        for path in paths {
            var folder = URL(fileURLWithPath: path).standardizedFileURL
            var isDirectory: ObjCBool = false
            if !(manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) && isDirectory.boolValue) {
                folder.deleteLastPathComponent()
            }
            while folder.path != "/" {
                let candidate = folder.appendingPathComponent("notifications.json").path
                if manager.fileExists(atPath: candidate) { return candidate }
                folder.deleteLastPathComponent()
            }
        }
        return nil
    }

    private static func expand(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? allReceipts(below: path) : [path]
        }
        let matches = glob(path)
        guard !matches.isEmpty else {
            throw ConfigurationError("\(path) does not exist and matches no file; give fixture files, folders or a glob pattern")
        }
        return matches.flatMap { (try? expand($0)) ?? [] }
    }

    /// Every `.receipt` below a folder, named from the folder as given (so relative paths stay relative).
    private static func allReceipts(below folder: String) -> [String] {
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        return (FileManager.default.subpaths(atPath: folder) ?? [])
            .filter { $0.hasSuffix(".receipt") }
            .map { base + "/" + $0 }
    }

    private static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard systemGlob(pattern, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in matches.gl_pathv[index].map { String(cString: $0) } }
    }
}

/// `glob(3)`, named apart from ``FixtureSet``'s own `glob`.
private func systemGlob(_ pattern: String, _ matches: inout glob_t) -> Int32 {
    #if canImport(Glibc)
    Glibc.glob(pattern, 0, nil, &matches)
    #else
    Darwin.glob(pattern, 0, nil, &matches)
    #endif
}
