// Fuzz target: the adapter of one provider of ProviderRegistry, named by FUZZ_PROVIDER (scripts/fuzz runs one
// target per provider: `firetext`, `twilio`, ...). Built and run by scripts/fuzz.
//
// SES bodies are parsed without headers or with one of the `x-amz-sns-message-type` values SNS sends, chosen by the
// input.
import Foundation

private let fuzzer: AdapterFuzzer = {
    let name = ProcessInfo.processInfo.environment["FUZZ_PROVIDER"] ?? ""
    guard let unit = ProviderRegistry.unit(named: name) else { violated("FUZZ_PROVIDER is \"\(name)\"; give one of \(ProviderRegistry.names)") }
    let headerSets: [[String: String]] = unit.provider == .ses ? [
        [:],
        ["x-amz-sns-message-type": "Notification"],
        ["x-amz-sns-message-type": "SubscriptionConfirmation"],
        ["x-amz-sns-message-type": "UnsubscribeConfirmation"],
    ] : [[:]]
    return AdapterFuzzer(unit.adapter, headerSets: headerSets)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzer.run(bytes(data, size))
    return 0
}
