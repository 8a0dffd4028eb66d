// Shared by every fuzz target: compiled into each target's binary together with Sources/CallbackCore (one module,
// so the targets call the parsers exactly as the gateway does). Not part of the package.
import Foundation

/// Reports a broken invariant and aborts, so that libFuzzer records the input as a crash artifact.
func violated(_ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    let message = "INVARIANT VIOLATED (\(file):\(line)): \(what())\n"
    FileHandle.standardError.write(Data(message.utf8))
    abort()
}

/// Aborts with `what` unless `condition` holds.
func require(_ condition: Bool, _ what: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { violated(what(), file: file, line: line) }
}

/// The input bytes as an array.
func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}

/// A short printable rendering of a value for messages (inputs themselves are in the artifact).
func show<Value>(_ value: Value) -> String {
    let text = String(reflecting: value)
    return text.count > 400 ? String(text.prefix(400)) + "…" : text
}

/// Whether `text` has no white space at either end, by the same Character rule the parsers trim with.
func isTrimmed(_ text: String) -> Bool {
    text.first?.isWhitespace != true && text.last?.isWhitespace != true
}

/// The instants a parsed timestamp can name: years 1 to 9999 in some offset within ±24 h of UTC.
let plausibleInstants: ClosedRange<Double> = -62_135_596_800 - 86_400 ... 253_402_300_800 + 86_400

// MARK: - Adapters

/// What the gateway does with a request body on an adapter's route, checked against what the adapter promises.
///
/// The content types tried are none, each accepted media type (also upper-cased with a charset parameter), and one
/// made from the input itself; every type the route would accept must give the same answer, because adapters read
/// only the body and the headers. Each answer is checked, and then interpreted with the default mapping table as
/// the router does.
struct AdapterFuzzer {
    let adapter: any ReceiptAdapter
    let interpreter: ReceiptInterpreter
    /// Header sets to try (lower-case names); each input is parsed with one of them, chosen by the input.
    let headerSets: [[String: String]]
    /// The accepted media types, sorted.
    let accepted: [String]

    init(_ adapter: any ReceiptAdapter, headerSets: [[String: String]] = [[:]]) {
        self.adapter = adapter
        // A table in force on every start: a failure to build it is not a finding of this input.
        guard let table = try? DefaultMappings.table() else { violated("the default mapping table does not parse") }
        self.interpreter = ReceiptInterpreter(mappings: table, adapters: [adapter])
        self.headerSets = headerSets.isEmpty ? [[:]] : headerSets
        self.accepted = adapter.acceptedMediaTypes.sorted()
    }

    /// Checks one body. Parsing is costly next to the checks, so each input is parsed three times: with the first
    /// accepted type (fully checked), through the interpreter, and with one other content type chosen by the input
    /// (must give the same answer, which also shows parsing is deterministic). Header sets rotate the same way.
    func run(_ body: [UInt8]) {
        let selector = Int(body.first ?? 0) &+ body.count
        let headers = headerSets[selector % headerSets.count]
        let types = contentTypes(for: body)
        for type in types { checkMediaType(CallbackPayload(body: [], contentType: type).mediaType, of: type) }

        let canonical = CallbackPayload(body: body, contentType: accepted.first, headers: headers)
        let result = parse(canonical)
        check(result)
        checkInterpretation(canonical, result)

        let variant = types[(selector / headerSets.count) % types.count]
        let payload = CallbackPayload(body: body, contentType: variant, headers: headers)
        // The route answers 415 before parsing anything of another type.
        if let media = payload.mediaType, !adapter.acceptedMediaTypes.contains(media) { return }
        let again = parse(payload)
        require(same(again, result), "\(adapter.provider) answered \(show(again)) with content type \(show(variant)) but \(show(result)) with \(show(canonical.contentType))")
    }

    /// Whether two answers agree, problems in the same order (regression F2: they once came in dictionary order).
    private func same(_ left: Result<ProviderMessage, InvalidCallback>, _ right: Result<ProviderMessage, InvalidCallback>) -> Bool {
        left == right
    }

    private func parse(_ payload: CallbackPayload) -> Result<ProviderMessage, InvalidCallback> {
        do throws(InvalidCallback) {
            return .success(try adapter.parse(payload))
        } catch {
            return .failure(error)
        }
    }

    /// No type, each accepted type as sent by providers and as sent by careless clients, and one from the input.
    private func contentTypes(for body: [UInt8]) -> [String?] {
        var types: [String?] = [nil]
        for type in accepted {
            types.append(type)
            types.append(" \(type.uppercased()) ; charset=UTF-8")
        }
        // A "random" content type: the input's last bytes, decoded leniently, alone and as a parameter.
        let tail = String(decoding: body.suffix(24), as: UTF8.self)
        types.append(tail)
        if let first = accepted.first {
            types.append("\(first);\(tail)")
        }
        return types
    }

    private func checkMediaType(_ media: String?, of contentType: String?) {
        guard let media else { return }
        require(!media.isEmpty, "mediaType is empty for \(show(contentType))")
        require(media == media.lowercased(), "mediaType \(show(media)) is not lower case")
        // By Character, as the parser splits: `;` followed by a combining mark is another Character, not a separator
        // (such a type is refused with 415, which is harmless).
        require(!media.contains(where: { $0 == ";" }), "mediaType \(show(media)) holds a parameter")
        require(isTrimmed(media), "mediaType \(show(media)) is not trimmed")
    }

    private func check(_ result: Result<ProviderMessage, InvalidCallback>) {
        switch result {
        case .success(.receipt(let receipt)):
            check(receipt)
        case .success(.batch(let events)):
            require(adapter.provider == .sendgrid, "\(adapter.provider) returned a batch")
            for event in events {
                switch event {
                case .receipt(let receipt, let text):
                    check(receipt)
                    require(!text.isEmpty, "a batch event with no text")
                case .unreadable(let text, let problems):
                    require(!text.isEmpty, "an unreadable batch event with no text")
                    check(InvalidCallback(provider: adapter.provider, problems: []), prefixed: problems)
                }
            }
        case .success(.subscriptionConfirmation(let message)):
            require(adapter.provider == .ses, "\(adapter.provider) returned a subscription confirmation")
            check(message, subscribeURLRequired: true)
        case .success(.unsubscribeConfirmation(let message)):
            require(adapter.provider == .ses, "\(adapter.provider) returned an unsubscribe confirmation")
            check(message, subscribeURLRequired: false)
        case .failure(let error):
            check(error)
        }
    }

    /// A stored receipt must be storable: required text present, trimmed, without NUL, and a sane timestamp.
    private func check(_ receipt: ProviderReceipt) {
        require(receipt.provider == adapter.provider, "receipt from \(adapter.provider) names provider \(receipt.provider)")
        requireText(receipt.rawStatus, "rawStatus")
        requireText(receipt.detailCode, "detailCode")
        requireText(receipt.reason, "reason")
        requireText(receipt.providerReference, "providerReference")
        switch (adapter.provider, receipt.lookup) {
        case (.firetext, .id), (.mmg, .id):
            break
        case (.ses, .reference(let reference)), (.twilio, .reference(let reference)):
            requireText(reference, "lookup reference")
            require(reference == receipt.providerReference, "\(adapter.provider) lookup \(show(reference)) is not the providerReference")
        case (.firetext, _), (.mmg, _), (.ses, _), (.twilio, _):
            violated("\(adapter.provider) looks notifications up by \(show(receipt.lookup))")
        case (_, .reference(let reference)):
            // The newer providers name our id when the message carried it, else their own message id.
            requireText(reference, "lookup reference")
        case (_, .id):
            break
        }
        checkInstant(receipt.providerTimestamp, "providerTimestamp")
        if let complaint = receipt.complaint {
            if adapter.provider == .ses { require(receipt.rawStatus == "Complaint", "complaint details on \(show(receipt))") }
            require(![Provider.firetext, .mmg, .twilio].contains(adapter.provider), "complaint details on an SMS receipt: \(show(receipt))")
            requireText(complaint.feedbackID, "complaint.feedbackID")
            requireText(complaint.complaintType, "complaint.complaintType")
            checkInstant(complaint.complainedAt, "complaint.complainedAt")
        }
        if adapter.provider == .firetext {
            require(receipt.providerReference == nil && receipt.reason == nil, "Firetext receipt carries MMG/SES fields: \(show(receipt))")
        }
        if adapter.provider == .mmg {
            require(receipt.detailCode == nil, "MMG receipt has a detail code (substatus is never mapped): \(show(receipt))")
        }
    }

    private func check(_ message: SNSControlMessage, subscribeURLRequired: Bool) {
        requireText(message.topicARN, "TopicArn")
        requireText(message.messageID, "MessageId")
        requireText(message.subscribeURL, "SubscribeURL")
        if subscribeURLRequired { require(message.subscribeURL != nil, "a subscription confirmation without SubscribeURL") }
    }

    /// Problems: at least one, each prefixed, listed once, and built from the adapter's own words (bounded in
    /// length, no NUL), never from the body's values.
    private func check(_ error: InvalidCallback, prefixed given: [String]? = nil) {
        let problems = given ?? error.problems
        require(error.provider == adapter.provider, "error from \(adapter.provider) names \(error.provider)")
        require(!problems.isEmpty, "InvalidCallback with no problems")
        require(problems.count <= 40, "\(problems.count) problems listed")
        require(Set(problems).count == problems.count, "a problem listed twice: \(show(problems))")
        let prefix = "\(adapter.provider.displayName) callback failed: "
        for problem in problems {
            require(problem.hasPrefix(prefix), "problem without the prefix \(show(prefix)): \(show(problem))")
            require(problem.utf8.count > prefix.utf8.count, "empty problem")
            require(problem.utf8.count <= 200, "a problem of \(problem.utf8.count) bytes, likely echoing the body: \(show(problem))")
            require(!problem.utf8.contains(0), "a problem holds a NUL")
        }
    }

    /// The router's path: the interpreter gives the adapter's answer, or refuses an over-long identifier.
    private func checkInterpretation(_ payload: CallbackPayload, _ parsed: Result<ProviderMessage, InvalidCallback>) {
        let interpreted: Result<ReceiptInterpreter.Interpretation, InvalidCallback>
        do throws(InvalidCallback) {
            interpreted = .success(try interpreter.interpret(payload, from: adapter.provider))
        } catch {
            interpreted = .failure(error)
        }
        switch (parsed, interpreted) {
        case (.failure, .failure(let error)):
            require(same(parsed, .failure(error)), "the interpreter reported other problems than the adapter: \(show(error)) vs \(show(parsed))")
        case (.success(.receipt(let receipt)), .success(.receipt(let mapped))):
            require(mapped.receipt == receipt, "the interpreter changed the receipt")
            if let unknown = mapped.mapping.unknownDetailCode {
                require(unknown == receipt.detailCode, "unknownDetailCode \(show(unknown)) is not the receipt's")
            }
            // Whatever the mapping says, the rules must have a plan for it.
            _ = mapped.plan
        case (.success(.receipt(let receipt)), .failure(let error)):
            check(error)
            let long = (receipt.providerReference?.utf8.count ?? 0) > 256 || (receipt.complaint?.feedbackID?.utf8.count ?? 0) > 256
            require(long, "the interpreter refused a receipt without an over-long identifier: \(show(error))")
        case (.success(.batch(let events)), .success(.batch(let mapped))):
            require(events.count == mapped.count, "the interpreter changed the number of events")
            for (event, interpreted) in zip(events, mapped) {
                switch (event, interpreted) {
                case (.receipt(let receipt, let text), .receipt(let mappedReceipt, let mappedText)):
                    require(mappedReceipt.receipt == receipt && text == mappedText, "the interpreter changed an event")
                    _ = mappedReceipt.plan
                case (.receipt(let receipt, _), .unreadable):
                    let long = (receipt.providerReference?.utf8.count ?? 0) > 256 || (receipt.complaint?.feedbackID?.utf8.count ?? 0) > 256
                    require(long, "the interpreter refused an event without an over-long identifier")
                case (.unreadable(let text, _), .unreadable(let mappedText, _)):
                    require(text == mappedText, "the interpreter changed an unreadable event")
                default:
                    violated("the interpreter made an unreadable event readable")
                }
            }
        case (.success(.subscriptionConfirmation(let message)), .success(.subscriptionConfirmation(let other))),
             (.success(.unsubscribeConfirmation(let message)), .success(.unsubscribeConfirmation(let other))):
            require(message == other, "the interpreter changed a control message")
        default:
            violated("the interpreter answered \(show(interpreted)) where the adapter answered \(show(parsed))")
        }
    }

    private func requireText(_ text: String?, _ name: String) {
        guard let text else { return }
        require(!text.isEmpty, "\(name) is empty")
        require(!text.utf8.contains(0), "\(name) holds a NUL")
        require(isTrimmed(text), "\(name) \(show(text)) is not trimmed")
    }

    private func checkInstant(_ date: Date?, _ name: String) {
        guard let date else { return }
        let seconds = date.timeIntervalSince1970
        require(seconds.isFinite && plausibleInstants.contains(seconds), "\(name) \(seconds) is outside years 1–9999")
    }
}
