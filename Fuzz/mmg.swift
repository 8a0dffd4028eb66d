// Fuzz target: MMGAdapter (JSON receipts). Built and run by scripts/fuzz.
import Foundation

private let fuzzer = AdapterFuzzer(MMGAdapter())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzer.run(bytes(data, size))
    return 0
}
