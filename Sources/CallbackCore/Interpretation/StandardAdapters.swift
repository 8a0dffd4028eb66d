extension ReceiptInterpreter {
    /// The adapters for Firetext, MMG and SES.
    public static let standardAdapters: [any ReceiptAdapter] = [FiretextAdapter(), MMGAdapter(), SESAdapter()]
}
