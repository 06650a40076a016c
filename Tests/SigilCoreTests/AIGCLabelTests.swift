import Testing
import SigilCore

@Suite struct AIGCLabelTests {
    @Test func canonicalJSONHasTheAnnexEOrderAndNoWhitespace() throws {
        let label = try AIGCLabel.firstWrite(producer: "001191110102MACQD9K64010000", produceID: "abc123")
        #expect(
            label.json
                == #"{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"abc123","ReservedCode1":"","ContentPropagator":"001191110102MACQD9K64010000","PropagateID":"abc123","ReservedCode2":""}"#
        )
        #expect(label.wrappedJSON.hasPrefix(#"{"AIGC":{"Label":"1""#))
    }

    @Test func firstWriteMirrorsThePropagationFields() throws {
        let label = try AIGCLabel.firstWrite(label: .possiblyAIGenerated, producer: "P", produceID: "X-1")
        #expect(label.contentPropagator == "P")
        #expect(label.propagateID == "X-1")
        #expect(label.label == .possiblyAIGenerated)
    }

    @Test("Annex E j) rejects what it excludes", arguments: ["a b", "中文", "back\\slash", "tab\t", "\u{7F}"])
    func charsetRejects(_ value: String) {
        #expect(throws: SigilError(.invalidLabel, "")) { try AIGCLabel.firstWrite(producer: "P", produceID: value) }
        #expect(AnnexECharset.firstViolation(in: value) != nil)
    }

    @Test func charsetAllowsPrintableASCIIIncludingEscapedQuote() throws {
        let value = "A!#$%&'()*+,-./09:;<=>?@[]^_`{|}~\"z"
        #expect(AnnexECharset.firstViolation(in: value) == nil)
        let label = try AIGCLabel.firstWrite(producer: "P", produceID: value)
        #expect(label.json.contains(#"~\"z""#))
        let parsed = LabelPayload.parse(label.json, keyed: true)
        #expect(parsed.label == label)
    }

    @Test func emptyRequiredFieldIsRefused() {
        #expect(throws: SigilError(.invalidLabel, "")) { try AIGCLabel.firstWrite(producer: "", produceID: "x") }
        #expect(throws: SigilError(.invalidLabel, "")) { try AIGCLabel.firstWrite(producer: "p", produceID: "") }
    }
}

@Suite struct LabelPayloadTests {
    let canonical =
        #"{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"id1","ReservedCode1":"","ContentPropagator":"001191110102MACQD9K64010000","PropagateID":"id1","ReservedCode2":""}"#

    @Test func canonicalPayloadHasNoErrorsOrWarnings() {
        let p = LabelPayload.parse(canonical, keyed: true)
        #expect(p.form == .bare)
        #expect(p.findings.isEmpty, "\(p.findings)")
        #expect(p.label?.produceID == "id1")
    }

    @Test func wrappedFormIsReadAndNotedInKeyedCarriers() {
        let p = LabelPayload.parse("{\"AIGC\":\(canonical)}", keyed: true)
        #expect(p.form == .wrapped)
        #expect(p.findings.map(\.code) == [.wrappedForm])
        let q = LabelPayload.parse("{\"AIGC\":\(canonical)}", keyed: false)
        #expect(q.findings.isEmpty)
    }

    @Test func doubleEncodedIsAnError() {
        let p = LabelPayload.parse(JSONValue.quote(canonical), keyed: true)
        #expect(p.form == .doubleEncoded)
        #expect(p.findings.contains { $0.code == .doubleEncoded && $0.severity == .error })
        #expect(p.label?.produceID == "id1")
    }

    @Test func prefixedBlobIsRead() {
        let p = LabelPayload.parse("AIGC" + canonical + "\0\0junk", keyed: false)
        #expect(p.form == .prefixedBlob)
        #expect(p.label?.produceID == "id1")
    }

    @Test func defectsAreNamed() {
        let codes = { (s: String) in Set(LabelPayload.parse(s, keyed: true).findings.map(\.code)) }
        #expect(codes("not json").contains(.notJSON))
        #expect(codes("[1,2]").contains(.notObject))
        #expect(codes(#"{"Foo":"bar"}"#).contains(.noAnnexEKeys))
        #expect(codes(#"{"Label":"5","ContentProducer":"p","ProduceID":"i"}"#).contains(.labelInvalid))
        #expect(codes(#"{"Label":"1","ContentProducer":"p"}"#).contains(.missingField))
        #expect(codes(#"{"Label":1,"ContentProducer":"p","ProduceID":"i"}"#).contains(.nonStringValue))
        #expect(codes(#"{"Label":"1","ContentProducer":"中文平台","ProduceID":"i"}"#).contains(.charsetViolation))
        #expect(codes(#"{"Label":"1","ContentProducer":"p","ProduceID":"i","Extra":"x"}"#).contains(.unknownField))
        #expect(codes(#"{"ProduceID":"i","Label":"1","ContentProducer":"p"}"#).contains(.keyOrder))
        #expect(codes(#"{"Label":"1","Label":"2","ContentProducer":"p","ProduceID":"i"}"#).contains(.duplicateKey))
        #expect(codes(#"{"Label": "1", "ContentProducer": "p", "ProduceID": "i"}"#).contains(.whitespace))
        #expect(codes(#"{"Label":"1","ContentProducer":"","ProduceID":"i"}"#).contains(.emptyRequiredField))
    }

    @Test func providerCodesAreChecked() {
        let bad = LabelPayload.parse(#"{"Label":"1","ContentProducer":"001191110102MACQD9K64110000","ProduceID":"i"}"#, keyed: true)
        #expect(bad.findings.contains { $0.code == .providerCodeInvalid && $0.field == "ContentProducer" })
        let name = LabelPayload.parse(#"{"Label":"1","ContentProducer":"doubao","ProduceID":"i"}"#, keyed: true)
        #expect(name.findings.contains { $0.code == .providerName })
    }

    @Test func looseProperties() {
        let p = LabelPayload.fromProperties([("Label", "1"), ("ContentProducer", "CorpusStudio"), ("ProduceID", "C-001")])
        #expect(p.label?.contentProducer == "CorpusStudio")
        #expect(p.form == .properties)
    }
}

@Suite struct JSONValueTests {
    @Test func keepsOrderAndDuplicates() throws {
        let v = try JSONValue.parse(#" {"b":1,"a":[true,null,"x\u00e9\ud83d\ude00"],"b":{"c":-1.5e3}} "#)
        #expect(v.members?.map(\.key) == ["b", "a", "b"])
        #expect(v["a"] == .array([.bool(true), .null, .string("xé😀")]))
        #expect(v.serialized == #"{"b":1,"a":[true,null,"xé😀"],"b":{"c":-1.5e3}}"#)
    }

    @Test(
        "Malformed JSON throws with an offset",
        arguments: ["", "{", #"{"a"}"#, #"{"a":1,}"#, "[1 2]", #""\x""#, "{} x", "01x", String(repeating: "[", count: 100)])
    func rejects(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text) }
    }
}
