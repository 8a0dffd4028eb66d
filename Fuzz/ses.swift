// Fuzz target: SESAdapter (SES events inside an SNS envelope). Built and run by scripts/fuzz.
//
// Each body is parsed without headers or with one of the `x-amz-sns-message-type` values SNS sends, chosen by the input.
import Foundation

private let fuzzer = AdapterFuzzer(SESAdapter(), headerSets: [
    [:],
    ["x-amz-sns-message-type": "Notification"],
    ["x-amz-sns-message-type": "SubscriptionConfirmation"],
    ["x-amz-sns-message-type": "UnsubscribeConfirmation"],
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzer.run(bytes(data, size))
    return 0
}
