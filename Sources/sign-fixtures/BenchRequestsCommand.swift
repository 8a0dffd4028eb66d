import CallbackCore
import FixtureSigning
import Foundation

/// `sign-fixtures bench-requests`: the requests `scripts/bench` sends, each signed ahead of the run as its provider
/// signs (SES as SNS does, with the fixtures' key), so that the gateway checks every signature while it is measured.
///
/// The benchmark's walk (scripts/bench.d/receipts.lua sends what this writes): wrk thread `t` of `T` sends requests
/// `t × C` to `t × C + C - 1` of the run (`C` a thread); request `i` is for row `(i × stride) mod rows + 1`, so every
/// thread's requests spread over every provider and the whole table, except that about 5% resend
/// the thread's request before (a provider's verbatim resend, stored once) and about 1% name a notification that
/// does not exist (row 1,000,000,000 + i, stored `waiting`). Row `n` is the provider of template `n mod templates`,
/// or `--only`'s for every row. Each thread's requests go to `thread-<t>.http`, one raw HTTP/1.1 request a line,
/// its line breaks written as byte 0x01.
struct BenchRequestsCommand: Sendable {
    var templatesPath = "scripts/bench.d/bodies.tsv"
    var keyPath = "fixtures/sns/fixture-signing-key.pem"
    var secretsPath = "fixtures/keys/providers.env"
    var extraSecrets: [String: String] = [:]
    var rows = 0, stride = 0, threads = 0, count = 0
    var only: Provider?
    var outputPath = ""

    /// Rows of notifications that do not exist start here, as in scripts/bench.
    static let unknownBase = 1_000_000_000

    static let usage = """
        usage: sign-fixtures bench-requests --rows N --stride S --threads T --count C --output DIR
                 [--templates FILE] [--only PROVIDER] [--secret NAME=VALUE]...
          Writes DIR/thread-<t>.http: C requests for each of T wrk threads, walking N notification rows with stride S
          (see scripts/bench), each signed with the fixtures' secrets (fixtures/keys/providers.env, plus each
          --secret) and SNS key. --only gives every row PROVIDER's template.
        """

    init(arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        func value(_ option: String) throws(UsageError) -> String {
            guard let value = remaining.popFirst() else { throw UsageError("\(option) needs a value\n\(Self.usage)") }
            return value
        }
        func number(_ option: String) throws(UsageError) -> Int {
            let text = try value(option)
            guard let number = Int(text), number > 0 else { throw UsageError("\(option) is \"\(text)\", not a positive whole number") }
            return number
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--templates": templatesPath = try value(argument)
            case "--key": keyPath = try value(argument)
            case "--secrets": secretsPath = try value(argument)
            case "--secret":
                let pair = try value(argument)
                guard let equals = pair.firstIndex(of: "=") else { throw UsageError("--secret \(pair) is not NAME=VALUE") }
                extraSecrets[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            case "--rows": rows = try number(argument)
            case "--stride": stride = try number(argument)
            case "--threads": threads = try number(argument)
            case "--count": count = try number(argument)
            case "--output": outputPath = try value(argument)
            case "--only":
                let name = try value(argument)
                guard let unit = ProviderRegistry.unit(named: name) else {
                    throw UsageError("--only \(name) is not a provider; give one of \(ProviderRegistry.names)")
                }
                only = unit.provider
            case "-h", "--help": throw UsageError(Self.usage)
            default: throw UsageError("unknown option \(argument)\n\(Self.usage)")
            }
        }
        guard rows > 0, stride > 0, threads > 0, count > 0, !outputPath.isEmpty else {
            throw UsageError("--rows, --stride, --threads, --count and --output are all needed\n\(Self.usage)")
        }
    }

    /// Writes every thread's requests; the summary names how many.
    func run() throws(UsageError) -> String {
        guard let templatesText = try? String(contentsOfFile: templatesPath, encoding: .utf8) else {
            throw UsageError("cannot read \(templatesPath): run from the project root, or pass --templates")
        }
        var templates = try BenchTemplate.read(templatesText, file: templatesPath)
        if let only { templates = templates.filter { $0.provider == only } }
        guard let key = try? String(contentsOfFile: keyPath, encoding: .utf8) else {
            throw UsageError("cannot read the SNS key \(keyPath): run from the project root, or pass --key")
        }
        guard let secretsText = try? String(contentsOfFile: secretsPath, encoding: .utf8) else {
            throw UsageError("cannot read the secrets \(secretsPath): run from the project root, or pass --secrets")
        }
        let secrets = ProviderRequestSigner.settings(environmentFile: secretsText).merging(extraSecrets) { _, extra in extra }
        let signer = BenchRequestSigner(
            providers: ProviderRequestSigner(secrets: secrets),
            sns: FixtureResigner(signer: SNSMessageSigner(privateKeyPEM: key), certificateURL: SignFixturesCommand.defaultCertificateURL,
                                 providers: ProviderRequestSigner(secrets: secrets)),
            templates: templates
        )
        do {
            try FileManager.default.createDirectory(atPath: outputPath, withIntermediateDirectories: true)
        } catch {
            throw UsageError("cannot create \(outputPath): \(error)")
        }
        // The threads' files are independent: each core signs its share (SES's RSA signatures dominate).
        let problems = ProblemBox()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            do throws(UsageError) {
                try write(thread: thread, signer: signer)
            } catch {
                problems.add(error.description)
            }
        }
        if let problem = problems.first { throw UsageError(problem) }
        return "bench-requests: \(threads) × \(count) requests written to \(outputPath)"
    }

    private func write(thread: Int, signer: BenchRequestSigner) throws(UsageError) {
        var random = SplitMix64(seed: UInt64(1000 + thread))
        var text = ""
        var previous: String?
        for step in 0..<count {
            let index = thread * count + step
            let roll = Int(random.next() % 100) + 1
            let line: String
            if roll <= 5, let previous {
                line = previous
            } else {
                let row = roll == 6 ? Self.unknownBase + index : ((index % rows) * (stride % rows)) % rows + 1
                line = try signer.rawRequest(row: row)
            }
            text += line
            text += "\n"
            previous = line
        }
        let path = (outputPath as NSString).appendingPathComponent("thread-\(thread).http")
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw UsageError("cannot write \(path): \(error)")
        }
    }
}

/// Signs the benchmark's request for a row and writes it as wrk sends it.
struct BenchRequestSigner: Sendable {
    let providers: ProviderRequestSigner
    let sns: FixtureResigner
    let templates: [BenchTemplate]

    /// The request for `row`, signed, as one line: HTTP/1.1 with its line breaks written as 0x01.
    func rawRequest(row: Int) throws(UsageError) -> String {
        let template = templates[row % templates.count]
        var request = template.request(row: row)
        if template.provider == .ses {
            switch sns.signSNS(body: request.body, corrupt: false) {
            case .success(let body): request.body = body
            case .failure(let problem): throw UsageError("cannot sign the SES template for row \(row): \(problem)")
            }
        } else {
            do {
                request = try providers.sign(template.provider, request)
            } catch {
                throw UsageError("cannot sign the \(template.provider) template for row \(row): \(error.description)")
            }
        }
        guard !request.body.contains("\n"), !request.body.contains("\u{1}") else {
            throw UsageError("the \(template.provider) template's body holds a line break: bodies.tsv bodies are one line")
        }
        var head = "POST \(template.path) HTTP/1.1\u{1}Host: 127.0.0.1\u{1}Content-Type: \(template.contentType)\u{1}"
        head += "Content-Length: \(request.body.utf8.count)\u{1}"
        for header in request.headers { head += "\(header.name): \(header.value)\u{1}" }
        return head + "\u{1}" + request.body
    }
}

/// The first problem any thread met.
private final class ProblemBox: @unchecked Sendable {
    private let lock = NSLock()
    private var problems: [String] = []

    func add(_ problem: String) { lock.withLock { problems.append(problem) } }
    var first: String? { lock.withLock { problems.first } }
}

/// A small seeded generator (SplitMix64), so that a run's resends and unknown notifications are the same every time.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D4_9BB4_6D13_3EB1
        return z ^ (z >> 31)
    }
}
