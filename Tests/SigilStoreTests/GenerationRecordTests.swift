import SigilStore
import Testing

@Suite struct GenerationRecordTests {
    /// The documented example entry (docs/RECORDS.md) byte for byte.
    @Test func canonicalEntryBytes() throws {
        let record = GenerationRecord(
            produceID: "0199a3b2c4d5e6f708192a3b4c5d6e7f", producer: "001191110102MACQD9K64010000", serviceCategory: .face,
            model: "portrait-v2", account: "acct-0123456789abcdef0123456789abcdef", time: RecordTime(milliseconds: 1_756_715_400_123),
            contentSHA256: Array(repeating: 0xAB, count: 32), perceptualHash: 0x0123_4567_89AB_CDEF, watermarkPayload: [1, 2, 3, 4, 5, 6, 7, 8],
            marks: ["implicit", "explicit", "watermark"], explicitLabelOptOut: nil, c2paManifestSHA256: nil
        )
        let expected =
            #"{"v":2,"produceID":"0199a3b2c4d5e6f708192a3b4c5d6e7f","producer":"001191110102MACQD9K64010000","serviceCategory":"face","model":"portrait-v2","account":"acct-0123456789abcdef0123456789abcdef","time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentFingerprint":{"type":"image-dct64","value":"0123456789abcdef"},"watermark":"0102030405060708","marks":["explicit","implicit","watermark"],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#
        #expect(String(decoding: try record.entry(), as: UTF8.self) == expected)
        #expect(try GenerationRecord(entry: Array(expected.utf8)) == record)
        #expect(try record.leafHash() == Merkle.leafHash(Array(expected.utf8)))
    }

    /// A format 1 entry, as the previous release wrote it (the example of docs/RECORDS.md before format 2): it is
    /// read, keeps its image hash, and re-encodes to the same bytes, so logs made by that release still verify.
    @Test func formatOneEntriesStillReadAndReencodeByteForByte() throws {
        let v1 =
            #"{"v":1,"produceID":"0199a3b2c4d5e6f708192a3b4c5d6e7f","producer":"001191110102MACQD9K64010000","serviceCategory":"face","model":"portrait-v2","account":"acct-0123456789abcdef0123456789abcdef","time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentPHash":"0123456789abcdef","watermark":"0102030405060708","marks":["explicit","implicit","watermark"],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#
        let record = try GenerationRecord(entry: Array(v1.utf8))
        #expect(record.version == 1)
        #expect(record.perceptualHash == 0x0123_4567_89AB_CDEF)
        #expect(record.fingerprint == .image(0x0123_4567_89AB_CDEF))
        #expect(String(decoding: try record.entry(), as: UTF8.self) == v1)
        #expect(record.json.serialized == v1)
        var audio = record
        audio.fingerprint = ContentFingerprint(type: "audio-chroma", value: [1, 2, 3])
        #expect(throws: SigilError(.invalidRecord, ""), "format 1 holds only an image hash") { try audio.entry() }
        audio.version = 2
        let entry = try audio.entry()
        #expect(String(decoding: entry, as: UTF8.self).contains(#""contentFingerprint":{"type":"audio-chroma","value":"010203"}"#))
        #expect(try GenerationRecord(entry: entry) == audio)
    }

    /// A text's SimHash (decision 0605) is an 8-byte `text-simhash64` fingerprint in format 2.
    @Test func textFingerprintsAreEightBytes() throws {
        var record = Fixtures.record(1)
        record.fingerprint = .text(0x0123_4567_89AB_CDEF)
        #expect(record.fingerprint?.textHash == 0x0123_4567_89AB_CDEF)
        #expect(record.fingerprint?.imageHash == nil)
        let entry = try record.entry()
        #expect(String(decoding: entry, as: UTF8.self).contains(#""contentFingerprint":{"type":"text-simhash64","value":"0123456789abcdef"}"#))
        #expect(try GenerationRecord(entry: entry).fingerprint == .text(0x0123_4567_89AB_CDEF))
        record.fingerprint = ContentFingerprint(type: ContentFingerprint.textSimHash64, value: [1, 2, 3])
        #expect(throws: SigilError(.invalidRecord, "")) { try record.entry() }
    }

    /// The direct encoder writes exactly what the JSON value serializes to, escapes and all.
    @Test(arguments: ["plain", #"quote " and backslash \ here"#, "模型 v2 — ünïcödé", "emoji 🎨", "slash / kept"])
    func directEncodingMatchesTheJSONValue(model: String) throws {
        for i in [0, 5, 7] {
            var record = Fixtures.record(i)
            record.model = model
            record.watermarkPayload = i == 7 ? nil : [0xDE, 0xAD, 0xBE, 0xEF]
            record.c2paManifestSHA256 = i == 5 ? Array(repeating: 0x0F, count: 32) : nil
            record.perceptualHash = i == 0 ? nil : 0xFFFF_0000_FFFF_0000
            let entry = try record.entry()
            #expect(String(decoding: entry, as: UTF8.self) == record.json.serialized)
            #expect(try GenerationRecord(entry: entry) == record)
        }
    }

    @Test func optOutRoundTrip() throws {
        let record = Fixtures.record(5)
        #expect(record.explicitLabelOptOut != nil)
        let entry = try record.entry()
        #expect(try GenerationRecord(entry: entry) == record)
        #expect(String(decoding: entry, as: UTF8.self).contains(#""explicitLabelOptOut":{"agreement":"2025-09","recipient":"acct-"#))
    }

    @Test(
        "non-canonical or malformed entries are refused",
        arguments: [
            #"{"v":1}"#,
            #"{ "v":1,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentPHash":null,"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":2,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentPHash":null,"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":1,"produceID":"a","producer":"p","serviceCategory":"robots","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentPHash":null,"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":1,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":"alice@example.com","time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentPHash":null,"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":1,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01 08:30:00","contentSHA256":"abababababababababababababababababababababababababababababababab","contentPHash":null,"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":1,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB","contentPHash":null,"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":1,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentPHash":null,"watermark":null,"marks":["implicit","explicit"],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":1,"producer":"p","produceID":"a","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentPHash":null,"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":2,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentFingerprint":{"value":"00","type":"x"},"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":2,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentFingerprint":{"type":"image-dct64","value":"00"},"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            #"{"v":3,"produceID":"a","producer":"p","serviceCategory":"other","model":null,"account":null,"time":"2025-09-01T08:30:00.123Z","contentSHA256":"abababababababababababababababababababababababababababababababab","contentFingerprint":null,"watermark":null,"marks":[],"explicitLabelOptOut":null,"c2paManifestSHA256":null}"#,
            "not json",
        ])
    func malformedEntries(text: String) {
        #expect(throws: SigilError(.invalidRecord, "")) { try GenerationRecord(entry: Array(text.utf8)) }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: SigilError(.invalidRecord, "")) { try GenerationRecord(entry: [0x7B, 0xFF, 0x7D]) }
    }

    /// Flipping any single byte of an entry either makes it unparseable or changes its leaf hash.
    @Test func anyModifiedByteIsDetected() throws {
        let entry = try Fixtures.record(3).entry()
        let leaf = Merkle.leafHash(entry)
        for position in stride(from: 0, to: entry.count, by: 7) {
            var modified = entry
            modified[position] ^= 0x01
            #expect(Merkle.leafHash(modified) != leaf)
            if let record = try? GenerationRecord(entry: modified) {
                #expect(try record.entry() == modified)
                #expect(record != Fixtures.record(3))
            }
        }
    }

    @Test func importLinesArePseudonymizedAndDefaulted() throws {
        let now = RecordTime(milliseconds: 1_760_000_000_000)
        let line =
            #"{"produceID":"abc-1","producer":"001191110102MACQD9K64010000","account":"user-42","contentSHA256":"abababababababababababababababababababababababababababababababab","marks":["implicit"],"explicitLabelOptOut":{"agreement":"v3","recipient":"user-42"}}"#
        let record = try GenerationRecord(importLine: line, pseudonymizer: Fixtures.pseudonymizer, now: now)
        #expect(record.account == (try Fixtures.pseudonymizer.tag("user-42")))
        #expect(record.account != "user-42")
        #expect(record.explicitLabelOptOut?.recipient == record.account)
        #expect(record.time == now)
        #expect(record.serviceCategory == .other)
        #expect(try GenerationRecord(entry: record.entry()) == record)
        for bad in [
            #"{"produceID":"x"}"#, #"{"produceID":"abc","producer":"p","contentSHA256":"ab","surprise":1}"#, "[1,2]",
            #"{"produceID":"abc","producer":"p","contentSHA256":"abababababababababababababababababababababababababababababababab","marks":["explicit"],"explicitLabelOptOut":{"agreement":"v3","recipient":"u"}}"#,
        ] {
            #expect(throws: SigilError(.invalidRecord, "")) { try GenerationRecord(importLine: bad, pseudonymizer: Fixtures.pseudonymizer, now: now) }
        }
    }

    @Test func pseudonymsAreKeyedAndStable() throws {
        let other = try Pseudonymizer(key: Array(repeating: 10, count: 32))
        let tag = try Fixtures.pseudonymizer.tag("user-1")
        #expect(tag == (try Fixtures.pseudonymizer.tag("user-1")))
        #expect(tag != (try other.tag("user-1")))
        #expect(tag != (try Fixtures.pseudonymizer.tag("user-2")))
        #expect(tag.hasPrefix("acct-") && tag.count == 37)
        try Pseudonymizer.checkTag(tag, field: "account")
        #expect(throws: SigilError(.invalidRecord, "")) { try Fixtures.pseudonymizer.tag("") }
        #expect(throws: SigilError(.invalidKey, "")) { try Pseudonymizer(key: [1, 2]) }
    }

    @Test(
        "times print and parse in one form",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"), (1_756_715_400_123, "2025-09-01T08:30:00.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"), (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ])
    func times(milliseconds: Int64, text: String) throws {
        #expect(RecordTime(milliseconds: milliseconds).description == text)
        #expect(try RecordTime(parsing: text).milliseconds == milliseconds)
    }

    @Test(
        "malformed times are refused",
        arguments: [
            "2025-02-29T00:00:00.000Z", "2025-13-01T00:00:00.000Z", "2025-09-01T24:00:00.000Z", "2025-09-01T08:30:00Z", "1969-12-31T23:59:59.999Z",
            "2025-09-01T08:30:00.123+08:00",
        ])
    func malformedTimes(text: String) {
        #expect(throws: SigilError(.invalidRecord, "")) { try RecordTime(parsing: text) }
    }
}
