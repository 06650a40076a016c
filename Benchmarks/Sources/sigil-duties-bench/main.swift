// sigil-duties-bench: the cost of the provider duties on the request path, beside anchors measured in the same run.
//
//   swift run -c release sigil-duties-bench [--phrases N] [--prompts N] [--dump DIR]
//
// 1. Prompt screening with a library of N phrases (default 20,000 CJK and Latin phrases) and 20 regexes, on prompts of
//    about 200 characters. Anchor: the obvious implementation — fold the prompt the same way, then `contains` for each
//    phrase — on the same prompts and phrases. Reported as the ratio anchor time / Sigil time.
//    Then the phrase matching alone (PhraseMatcher on already-folded text). With --dump DIR the folded phrases and
//    prompts are written to DIR/phrases.txt and DIR/prompts.txt (one per line) for the Aho–Corasick anchor,
//    Benchmarks/scripts/screen_ahocorasick.py (pyahocorasick, a C library called in-process from Python).
// 2. The folding alone (NFKC, traditional → simplified, case, spacing): per prompt.
// 3. A whole generation authorisation on SQLite (account lookup, screening, the decision and hits written in one
//    transaction). Anchor: one INSERT of the same row in its own transaction on the same database.
import Foundation
import Histogram
import SigilCompliance
import SigilStore
import SQLKit

func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }

struct Latency {
    var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    mutating func record(_ duration: Duration) { histogram.record(UInt64(max(1, seconds(duration) * 1e6))) }
    func us(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) }
    var summary: String { String(format: "p50 %.0f µs, p99 %.0f µs (n=%d)", us(50), us(99), histogram.totalCount) }
}

func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

var arguments = ArraySlice(CommandLine.arguments.dropFirst())
var phraseCount = 20_000
var promptCount = 2_000
var dump: String?
while let argument = arguments.popFirst() {
    switch argument {
    case "--phrases": phraseCount = Int(arguments.popFirst() ?? "") ?? phraseCount
    case "--prompts": promptCount = Int(arguments.popFirst() ?? "") ?? promptCount
    case "--dump": dump = arguments.popFirst()
    default:
        say("unknown argument \(argument)")
        exit(2)
    }
}

// A deterministic generator, so runs compare.
var random = SplitMix64(seed: 45438)
let han = Array(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
)
let latin = Array("abcdefghijklmnopqrstuvwxyz")
func phrase(_ random: inout SplitMix64) -> String {
    let length = Int.random(in: 2...6, using: &random)
    let alphabet = Bool.random(using: &random) || Int.random(in: 0..<4, using: &random) > 0 ? han : latin
    return String((0..<length).map { _ in alphabet.randomElement(using: &random)! })
        + (alphabet == latin ? String(latin.randomElement(using: &random)!) : "")
}
var lines: [String] = (0..<phraseCount).map { "cat\(($0 % 12))\t\(phrase(&random))" }
lines += (0..<20).map { "fraud\tre:代开.{0,4}发票\($0)" }
let parseStart = ContinuousClock.now
let library = try ScreeningLibrary.parse(lines.joined(separator: "\n"))
let compileStart = ContinuousClock.now
let screener = Screener(library: library, version: 1)
let compileEnd = ContinuousClock.now
let normalizer = TextNormalizer()
let phrases = library.rules.enumerated().filter { $0.element.kind == .phrase }.map {
    (rule: $0.offset, text: normalizer.normalizedString($0.element.pattern))
}
let prompts: [String] = (0..<promptCount).map { i in
    var text = String((0..<200).map { _ in han.randomElement(using: &random)! })
    if i % 10 == 0 { text += " 製 造 炸彈 " } // some traditional characters and spacing
    if i % 7 == 0 { text += " Ｐｌｅａｓｅ draw a CAT " }
    return text
}
say(
    String(
        format: "library parse %.0f ms, compile (what a server does on reload) %.0f ms", seconds(compileStart - parseStart) * 1000,
        seconds(compileEnd - compileStart) * 1000))
say(
    "library: \(phrases.count) phrases + 20 regexes; \(prompts.count) prompts of ~200 characters; \(ProcessInfo.processInfo.activeProcessorCount) cores"
)

// 1. Screening versus the per-phrase anchor.
var sigilLatency = Latency()
var anchorLatency = Latency()
var foldLatency = Latency()
var sigilHits = 0
var anchorHits = 0
var sigilHitsOnAnchorSet = 0
// The anchor is slow (every phrase against every prompt): it runs on the first 200 prompts; ratios are per prompt.
let anchorPrompts = prompts.prefix(200)
let sigilStart = ContinuousClock.now
for (i, prompt) in prompts.enumerated() {
    let t = ContinuousClock.now
    let found = screener.screen(text: prompt).count
    sigilLatency.record(ContinuousClock.now - t)
    sigilHits += found
    if i < anchorPrompts.count { sigilHitsOnAnchorSet += found }
}
let sigilTotal = seconds(ContinuousClock.now - sigilStart) / Double(prompts.count)
let regexes = library.rules.filter { $0.kind == .regex }.map { try! NSRegularExpression(pattern: $0.pattern, options: [.caseInsensitive]) }
let anchorStart = ContinuousClock.now
for prompt in anchorPrompts {
    let t = ContinuousClock.now
    let folded = normalizer.normalizedString(prompt)
    var hits = Set<Int>()
    for phrase in phrases where folded.contains(phrase.text) { hits.insert(phrase.rule) }
    let range = NSRange(prompt.startIndex..., in: prompt)
    for (i, regex) in regexes.enumerated() where regex.firstMatch(in: prompt, range: range) != nil { hits.insert(-1 - i) }
    anchorHits += hits.count
    anchorLatency.record(ContinuousClock.now - t)
}
let anchorTotal = seconds(ContinuousClock.now - anchorStart) / Double(anchorPrompts.count)
for prompt in prompts {
    let t = ContinuousClock.now
    _ = normalizer.normalize(prompt)
    foldLatency.record(ContinuousClock.now - t)
}
say(
    "screening, Sigil (fold + Aho–Corasick + regexes): \(sigilLatency.summary); \(String(format: "%.0f", 1 / sigilTotal)) prompts/s; \(sigilHits) rule hits (\(sigilHitsOnAnchorSet) on the anchor's 200)"
)
say(
    "screening, anchor (fold + contains per phrase + regexes): \(anchorLatency.summary); \(String(format: "%.1f", 1 / anchorTotal)) prompts/s; \(anchorHits) rule hits"
)
say(
    String(
        format: "ratio (anchor time / Sigil time, per prompt): %.0f×; same hits: %@", anchorTotal / sigilTotal,
        anchorHits == sigilHitsOnAnchorSet ? "yes" : "NO"))
say("folding alone: \(foldLatency.summary)")

// Matching alone, on folded text: Sigil's PhraseMatcher. The pyahocorasick anchor reads the same folded text (--dump).
let foldedPhrases = phrases.map { Array($0.text.unicodeScalars) }
let foldedPrompts = prompts.map { normalizer.normalize($0) }
let matcher = PhraseMatcher(foldedPhrases)
var matchLatency = Latency()
var matchHits = 0
let matchStart = ContinuousClock.now
for prompt in foldedPrompts {
    let t = ContinuousClock.now
    matchHits += Set(matcher.matches(in: prompt).map(\.phrase)).count
    matchLatency.record(ContinuousClock.now - t)
}
let matchTotal = seconds(ContinuousClock.now - matchStart) / Double(foldedPrompts.count)
say(
    "matching alone, Sigil PhraseMatcher on folded text: \(matchLatency.summary); \(String(format: "%.0f", 1 / matchTotal)) prompts/s; \(matchHits) distinct phrase hits"
)
if let dump {
    try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
    func text(_ scalars: [Unicode.Scalar]) -> String { String(String.UnicodeScalarView(scalars)) }
    try (foldedPhrases.map(text).joined(separator: "\n") + "\n").write(toFile: dump + "/phrases.txt", atomically: true, encoding: .utf8)
    try (foldedPrompts.map(text).joined(separator: "\n") + "\n").write(toFile: dump + "/prompts.txt", atomically: true, encoding: .utf8)
    say("wrote \(dump)/phrases.txt and \(dump)/prompts.txt")
}

// 3. A whole authorisation on SQLite beside a bare INSERT.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-duties-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let database = try await SQLiteLogDatabase.open(path: folder.appendingPathComponent("b.sqlite").path)
try await Migrator.migrate(database)
_ = try await ComplianceSchema.migrate(database)
struct NoSMS: SMSSender { func send(_ message: SMSMessage) async throws {} }
let duties = ComplianceService(
    database: database, vault: try PersonalDataVault(masterKey: Array(repeating: 9, count: 32)), sms: NoSMS(), identityVerifier: nil)
_ = try await duties.screening.install(library, source: "bench", actor: "bench")
let account = try await duties.register(
    try AccountApplication(kind: "individual", name: "基准", phone: "13800138000", idNumber: "11010519491231002X", uscc: nil), actor: "bench")
_ = try await duties.accounts.review(account.id, approve: true, note: nil, actor: "bench")
try await database.withTransaction { db in
    try await db.raw("CREATE TABLE anchor (id TEXT PRIMARY KEY, account TEXT, prompt BLOB, created_at BIGINT)").run()
}
var authorizeLatency = Latency()
var insertLatency = Latency()
let rounds = min(prompts.count, 1000)
let authorizeStart = ContinuousClock.now
for prompt in prompts.prefix(rounds) {
    let t = ContinuousClock.now
    _ = try await duties.authorize(account: account.id, category: "other", prompt: prompt, consent: nil)
    authorizeLatency.record(ContinuousClock.now - t)
}
let authorizeTotal = seconds(ContinuousClock.now - authorizeStart)
let insertStart = ContinuousClock.now
for (i, prompt) in prompts.prefix(rounds).enumerated() {
    let t = ContinuousClock.now
    try await database.withTransaction { db in
        try await db.raw("INSERT INTO anchor VALUES (\(bind: "a\(i)"), \(bind: account.id), \(bind: Data(prompt.utf8)), \(bind: Int64(i)))").run()
    }
    insertLatency.record(ContinuousClock.now - t)
}
let insertTotal = seconds(ContinuousClock.now - insertStart)
try await database.close()
say("authorisation on SQLite (synchronous=FULL): \(authorizeLatency.summary); \(String(format: "%.0f", Double(rounds) / authorizeTotal))/s")
say("anchor, one INSERT per transaction: \(insertLatency.summary); \(String(format: "%.0f", Double(rounds) / insertTotal))/s")
say(String(format: "ratio (authorisation time / INSERT time): %.2f×", authorizeTotal / insertTotal))
