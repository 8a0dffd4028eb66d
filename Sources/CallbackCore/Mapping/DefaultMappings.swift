/// The mapping table the gateway uses unless an operator gives it a file of their own.
///
/// The text is `mappings/default.mappings`, compiled in so that the binary needs no file beside it; a test checks
/// that the two stay identical.
public enum DefaultMappings {
    /// The default mapping file's text.
    public static let text = #"""
# callback-gateway: what each provider status means.
#
# One mapping per line:   provider  status  [detail]  ->  target
#   provider  firetext, mmg or ses
#   status    the provider's status exactly as sent
#   detail    optional finer code (Firetext `code`, SES `bounceType`); when a status lists details, a detail the
#             file does not name falls back to the status's own line and is logged as a warning
#   target    delivered, pending, temporary-failure, permanent-failure, technical-failure,
#             failure (unclassified: temporary while the notification is pending, permanent otherwise)
#             or complaint (recorded, status unchanged)
# Words containing spaces go in double quotes. A '#' starts a comment.
# Point CALLBACK_MAPPINGS (or serve --mappings) at a copy of this file to replace it.

# Firetext: status 0 delivered, 1 failed, 2 accepted by the network.
firetext  0            ->  delivered
firetext  1            ->  failure
firetext  2            ->  pending
firetext  1  000       ->  temporary-failure
firetext  1  102       ->  temporary-failure
firetext  1  103       ->  temporary-failure
firetext  1  104       ->  temporary-failure
firetext  1  302       ->  temporary-failure
firetext  1  900       ->  temporary-failure
firetext  1  101       ->  permanent-failure
firetext  1  201       ->  permanent-failure
firetext  1  301       ->  permanent-failure
firetext  1  401       ->  permanent-failure

# MMG: the substatus is a reason for the log only.
mmg  2  ->  permanent-failure
mmg  3  ->  delivered
mmg  4  ->  temporary-failure
mmg  5  ->  permanent-failure

# SES (through SNS): the bounce type classifies a bounce.
ses  Delivery                ->  delivered
ses  Bounce    Permanent     ->  permanent-failure
ses  Bounce    Transient     ->  temporary-failure
ses  Bounce    Undetermined  ->  temporary-failure
ses  Complaint               ->  complaint
"""#

    /// The default table.
    ///
    /// - Throws: ``MappingFileError`` only if the compiled-in text were broken, which a test rules out.
    public static func table() throws(MappingFileError) -> MappingTable {
        try MappingFile.parse(text, file: "mappings/default.mappings")
    }
}
