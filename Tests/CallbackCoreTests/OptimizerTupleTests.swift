import CallbackCore
import Foundation
import Synchronization
import Testing
import TestSupport

/// Swift 6.3.1's optimizer and tuples that straddle an `await` (docs/decisions.md): the smallest shape seen to
/// misbehave under `-O`, the form the gateway writes instead, and the helper the replay runs on.
@Suite("Optimizer: tuples built across an await")
struct OptimizerTupleTests {
    /// About 100 bytes, returned indirectly: answers under about 64 bytes did not show the fault.
    struct Answer: Sendable, Equatable {
        var name: String
        var code: Int
        var outcome: String?
        var status: String?
        var expectation: Expectation?
    }

    struct Expectation: Sendable, Equatable {
        var code: Int
        var outcome: String?
        var status: String?
    }

    struct Unreachable: Error, Equatable {
        let name: String
    }

    static func answer(_ name: String) -> Answer {
        Answer(name: name, code: 200, outcome: "applied", status: nil, expectation: Expectation(code: 200, outcome: "x", status: nil))
    }

    @Test("ConcurrentWork.map gives every answer back in order, one at a time and eight at once, with real suspensions")
    func inOrder() async throws {
        let names = (1...20).map { "r\($0)" }
        for width in [1, 3, 8, 64] {
            let seen = Seen()
            let answers = try await ConcurrentWork.map(names, width: width, onEach: { seen.add($0.name) }) { index, name throws(Unreachable) in
                // Later elements finish first, so the answers arrive out of order.
                try? await Task.sleep(for: .milliseconds(2 * (20 - index % 5)))
                return Self.answer(name)
            }
            #expect(answers.map(\.name) == names, "width \(width)")
            #expect(answers == names.map(Self.answer))
            #expect(seen.names.sorted() == names.sorted())
        }
    }

    @Test("the first failure stops new work and is thrown; nothing after it starts")
    func firstFailureStops() async throws {
        let started = Seen()
        let error = await #expect(throws: Unreachable.self) {
            _ = try await ConcurrentWork.map(Array(0..<50), width: 2) { index, element throws(Unreachable) in
                started.add(String(element))
                try? await Task.sleep(for: .milliseconds(5))
                if element == 3 { throw Unreachable(name: "r\(element)") }
                return Self.answer("r\(element)")
            }
        }
        #expect(error == Unreachable(name: "r3"))
        // Two in flight when element 3 fails: at most element 4 had started as well.
        #expect(started.names.count <= 5)
    }

    /// The shape that Swift 6.3.1 miscompiles under `-O`, and the same program written the gateway's way, compiled
    /// and run as separate programs. The first check failing means the toolchain no longer has the fault: say so in
    /// docs/decisions.md (the workaround can stay; it costs nothing).
    @Test("built with swiftc -O: the tuple across an await loses its index; bound first, it does not")
    func toolchainShape() async throws {
        let folder = NSTemporaryDirectory() + "cbgw-optimizer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let unsafe = try await Self.compileAndRun(Self.program(task: Self.tupleAcrossAwait), in: folder, name: "unsafe")
        let safe = try await Self.compileAndRun(Self.program(task: Self.boundFirst), in: folder, name: "safe")
        #expect(safe == "1 2 3")
        #expect(unsafe != "1 2 3", "Swift no longer corrupts this tuple under -O; update docs/decisions.md")
    }

    static let tupleAcrossAwait = """
        group.addTask {
            do throws(Failure) { return (index, .success(try await fetch(name))) } catch { return (index, .failure(error)) }
        }
        """

    static let boundFirst = """
        group.addTask {
            let result: Result<Big, Failure>
            do throws(Failure) { result = .success(try await fetch(name)) } catch { result = .failure(error) }
            return (index, result)
        }
        """

    static func program(task: String) -> String {
        """
        struct Failure: Error {}
        struct Big: Sendable { var name: String; var code: Int; var a: String?; var b: String?; var c: Inner? }
        struct Inner: Sendable { var code: Int; var a: String?; var b: String? }

        func fetch(_ name: String) async throws(Failure) -> Big {
            try? await Task.sleep(for: .milliseconds(1))
            return Big(name: name, code: 200, a: "x", b: nil, c: Inner(code: 1, a: "y", b: nil))
        }

        func add(_ name: String, index: Int, to group: inout TaskGroup<(Int, Result<Big, Failure>)>) {
        \(task)
        }

        @main struct Main {
            static func main() async {
                let indices = await withTaskGroup(of: (Int, Result<Big, Failure>).self) { group in
                    for index in 1...3 { add("r\\(index)", index: index, to: &group) }
                    var indices: [Int] = []
                    for await (index, _) in group { indices.append(index) }
                    return indices
                }
                print(indices.sorted().map(String.init).joined(separator: " "))
            }
        }
        """
    }

    static func compileAndRun(_ source: String, in folder: String, name: String) async throws -> String {
        let file = folder + "/\(name).swift"
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let compiled = try await Command.run("/usr/bin/env", ["swiftc", "-parse-as-library", "-O", file, "-o", folder + "/\(name)"])
        try #require(compiled.status == 0, "swiftc failed: \(compiled.standardError)")
        let run = try await Command.run(folder + "/\(name)", [])
        try #require(run.status == 0, "\(name) exited \(run.status): \(run.standardError)")
        return run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Names collected from concurrent calls.
private final class Seen: Sendable {
    private let storage = Mutex<[String]>([])

    func add(_ name: String) { storage.withLock { $0.append(name) } }
    var names: [String] { storage.withLock { $0 } }
}
