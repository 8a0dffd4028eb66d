/// The mapping table the gateway uses unless an operator gives it a file of their own.
///
/// The text is `mappings/default.mappings`, compiled in so that the binary needs no file beside it; a test checks
/// that the two stay identical, and `scripts/compile-mappings` copies the file in after an edit.
public enum DefaultMappings {
    /// The default mapping file's text.
    public static let text = #"""
# callback-gateway: what each provider status means.
#
# One mapping per line:   provider  status  [detail]  ->  target
#   provider  firetext, mmg, ses, postmark, mailgun, twilio, vonage or sendgrid
#   status    the provider's status exactly as sent
#   detail    optional finer code (Firetext `code`, SES `bounceType`, Twilio `ErrorCode`, ...); when a status lists
#             details, a detail the file does not name falls back to the status's own line and is logged as a warning
#   target    delivered, pending, temporary-failure, permanent-failure, technical-failure,
#             failure (unclassified: temporary while the notification is pending, permanent otherwise),
#             complaint (recorded, status unchanged)
#             or ignore (not about delivery: an open, a click; stored and counted, never applied or alerted)
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

# Postmark: RecordType; detail = a bounce's Type. Sources: Postmark's webhook docs (Delivery, Bounce,
# SpamComplaint, Open, Click, SubscriptionChange) and its bounce-type table (developer.postmarkapp.com, "Bounce
# types", as in postmark.js BounceTypeCode): hard bounces and bad addresses are permanent, soft bounces, DNS errors
# and transient delays temporary, errors on the sending side technical.
postmark  Delivery                          ->  delivered
postmark  Bounce                            ->  failure
postmark  Bounce  HardBounce                ->  permanent-failure
postmark  Bounce  BadEmailAddress           ->  permanent-failure
postmark  Bounce  ManuallyDeactivated       ->  permanent-failure
postmark  Bounce  Unconfirmed               ->  permanent-failure
postmark  Bounce  Transient                 ->  temporary-failure
postmark  Bounce  SoftBounce                ->  temporary-failure
postmark  Bounce  DnsError                  ->  temporary-failure
postmark  Bounce  Blocked                   ->  temporary-failure
postmark  Bounce  SMTPApiError              ->  technical-failure
postmark  Bounce  DMARCPolicy               ->  technical-failure
postmark  Bounce  TemplateRenderingFailed   ->  technical-failure
postmark  Bounce  SpamNotification          ->  complaint
postmark  Bounce  SpamComplaint             ->  complaint
postmark  Bounce  Unsubscribe               ->  ignore
postmark  Bounce  Subscribe                 ->  ignore
postmark  Bounce  AutoResponder             ->  ignore
postmark  Bounce  AddressChange             ->  ignore
postmark  Bounce  OpenRelayTest             ->  ignore
postmark  Bounce  InboundError              ->  ignore
postmark  SpamComplaint                     ->  complaint
postmark  Open                              ->  ignore
postmark  Click                             ->  ignore
postmark  SubscriptionChange                ->  ignore

# Mailgun: event-data.event; detail = event-data.severity (failed only). Source: Mailgun's "Event types"
# (documentation.mailgun.com, events): failed/permanent is dropped for good, failed/temporary is retried by Mailgun.
mailgun  accepted             ->  pending
mailgun  delivered            ->  delivered
mailgun  failed               ->  failure
mailgun  failed  permanent    ->  permanent-failure
mailgun  failed  temporary    ->  pending
mailgun  rejected             ->  technical-failure
mailgun  complained           ->  complaint
mailgun  opened               ->  ignore
mailgun  clicked              ->  ignore
mailgun  unsubscribed         ->  ignore
mailgun  stored               ->  ignore

# Twilio: MessageStatus; detail = ErrorCode. Sources: Twilio's message status values (twilio-oai
# message_enum_status; support article 223134347) and error codes (twilio.com/docs/api/errors, 30001-30034,
# 21610). Twilio publishes no temporary/permanent flag: the classes follow each code's cause (an unreachable or
# busy handset may come back; an unknown, blocked or landline number will not; our account, rate or registration
# problems are technical). `sent` is Twilio handing the message to the carrier: still pending.
twilio  accepted              ->  pending
twilio  scheduled             ->  pending
twilio  queued                ->  pending
twilio  sending               ->  pending
twilio  sent                  ->  pending
twilio  delivered             ->  delivered
twilio  read                  ->  delivered
twilio  undelivered           ->  failure
twilio  failed                ->  technical-failure
twilio  canceled              ->  technical-failure
twilio  partially_delivered   ->  failure
twilio  receiving             ->  ignore
twilio  received              ->  ignore
twilio  undelivered  30003    ->  temporary-failure
twilio  undelivered  30017    ->  temporary-failure
twilio  undelivered  30004    ->  permanent-failure
twilio  undelivered  30005    ->  permanent-failure
twilio  undelivered  30006    ->  permanent-failure
twilio  undelivered  30007    ->  permanent-failure
twilio  undelivered  21610    ->  permanent-failure
twilio  undelivered  30008    ->  failure
twilio  undelivered  30001    ->  technical-failure
twilio  undelivered  30002    ->  technical-failure
twilio  undelivered  30010    ->  technical-failure
twilio  undelivered  30022    ->  technical-failure
twilio  undelivered  30023    ->  technical-failure
twilio  undelivered  30024    ->  technical-failure
twilio  undelivered  30027    ->  technical-failure
twilio  undelivered  30032    ->  technical-failure
twilio  undelivered  30034    ->  technical-failure
twilio  failed  30003         ->  temporary-failure
twilio  failed  30004         ->  permanent-failure
twilio  failed  30005         ->  permanent-failure
twilio  failed  30006         ->  permanent-failure
twilio  failed  30007         ->  permanent-failure
twilio  failed  21610         ->  permanent-failure
twilio  failed  30008         ->  failure

# Vonage SMS API delivery receipts: status; detail = err-code. Source: Vonage's delivery receipt reference
# (statuses; the err-code table, also support article 204014733). A non-zero code is final: Vonage does not retry.
# The classes follow each code's description: an absent or busy handset, a network error or no prepaid credit may
# come back; an inactive, barred, blocked or illegal number will not; routing, regulation and our own parameters
# are technical. `failed` and `rejected` read the code alike.
vonage  accepted        ->  pending
vonage  buffered        ->  pending
vonage  delivered       ->  delivered
vonage  expired         ->  temporary-failure
vonage  unknown         ->  failure
vonage  failed          ->  failure
vonage  rejected        ->  failure
vonage  failed  2       ->  temporary-failure
vonage  failed  7       ->  temporary-failure
vonage  failed  8       ->  temporary-failure
vonage  failed  15      ->  temporary-failure
vonage  failed  3       ->  permanent-failure
vonage  failed  4       ->  permanent-failure
vonage  failed  6       ->  permanent-failure
vonage  failed  9       ->  permanent-failure
vonage  failed  12      ->  permanent-failure
vonage  failed  13      ->  permanent-failure
vonage  failed  14      ->  permanent-failure
vonage  failed  5       ->  technical-failure
vonage  failed  10      ->  technical-failure
vonage  failed  11      ->  technical-failure
vonage  failed  16      ->  technical-failure
vonage  failed  50      ->  technical-failure
vonage  failed  51      ->  technical-failure
vonage  failed  52      ->  technical-failure
vonage  failed  53      ->  technical-failure
vonage  failed  54      ->  technical-failure
vonage  failed  99      ->  technical-failure
vonage  failed  1       ->  failure
vonage  rejected  2     ->  temporary-failure
vonage  rejected  7     ->  temporary-failure
vonage  rejected  8     ->  temporary-failure
vonage  rejected  15    ->  temporary-failure
vonage  rejected  3     ->  permanent-failure
vonage  rejected  4     ->  permanent-failure
vonage  rejected  6     ->  permanent-failure
vonage  rejected  9     ->  permanent-failure
vonage  rejected  12    ->  permanent-failure
vonage  rejected  13    ->  permanent-failure
vonage  rejected  14    ->  permanent-failure
vonage  rejected  5     ->  technical-failure
vonage  rejected  10    ->  technical-failure
vonage  rejected  11    ->  technical-failure
vonage  rejected  16    ->  technical-failure
vonage  rejected  50    ->  technical-failure
vonage  rejected  51    ->  technical-failure
vonage  rejected  52    ->  technical-failure
vonage  rejected  53    ->  technical-failure
vonage  rejected  54    ->  technical-failure
vonage  rejected  99    ->  technical-failure
vonage  rejected  1     ->  failure

# SendGrid: event; detail = a bounce's type, a dropped message's reason. Source: SendGrid's Event Webhook reference
# ("Event types": delivery events, engagement events). A `blocked` bounce is temporary, a `bounce` bounce permanent;
# `deferred` is SendGrid still trying.
sendgrid  processed                                  ->  pending
sendgrid  deferred                                   ->  pending
sendgrid  delivered                                  ->  delivered
sendgrid  bounce                                     ->  permanent-failure
sendgrid  bounce   bounce                            ->  permanent-failure
sendgrid  bounce   blocked                           ->  temporary-failure
sendgrid  dropped                                    ->  failure
sendgrid  dropped  "Bounced Address"                 ->  permanent-failure
sendgrid  dropped  "Unsubscribed Address"            ->  permanent-failure
sendgrid  dropped  "Spam Reporting Address"          ->  permanent-failure
sendgrid  dropped  Invalid                           ->  permanent-failure
sendgrid  dropped  "Spam Content"                    ->  permanent-failure
sendgrid  dropped  "Invalid SMTPAPI header"          ->  technical-failure
sendgrid  dropped  "Recipient List over Package Quota"  ->  technical-failure
sendgrid  spamreport                                 ->  complaint
sendgrid  open                                       ->  ignore
sendgrid  click                                      ->  ignore
sendgrid  unsubscribe                                ->  ignore
sendgrid  group_unsubscribe                          ->  ignore
sendgrid  group_resubscribe                          ->  ignore
"""#

    /// The default table.
    ///
    /// - Throws: ``MappingFileError`` only if the compiled-in text were broken, which a test rules out.
    public static func table() throws(MappingFileError) -> MappingTable {
        try MappingFile.parse(text, file: "mappings/default.mappings")
    }
}
