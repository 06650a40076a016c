extension GenerationRecord {
    /// The canonical entry bytes, written directly (no intermediate JSON tree): the same bytes as
    /// `json.serialized`, at a fraction of the cost — encoding is on every append's path.
    func canonicalBytes() -> [UInt8] {
        var out = CanonicalWriter()
        out.raw(#"{"v":"#)
        out.decimal(Int64(version))
        out.raw(#","produceID":"#)
        out.string(produceID)
        out.raw(#","producer":"#)
        out.string(producer)
        out.raw(#","serviceCategory":"#)
        out.string(serviceCategory.rawValue)
        out.raw(#","model":"#)
        out.optionalString(model)
        out.raw(#","account":"#)
        out.optionalString(account)
        out.raw(#","time":""#)
        out.time(time)
        out.raw(#"","contentSHA256":""#)
        out.hex(contentSHA256)
        if version == 1 {
            out.raw(#"","contentPHash":"#)
            out.optionalHex(fingerprint?.value)
        } else {
            out.raw(#"","contentFingerprint":"#)
            if let fingerprint {
                out.raw(#"{"type":"#)
                out.string(fingerprint.type)
                out.raw(#","value":""#)
                out.hex(fingerprint.value)
                out.raw(#""}"#)
            } else {
                out.raw("null")
            }
        }
        out.raw(#","watermark":"#)
        out.optionalHex(watermarkPayload)
        out.raw(#","marks":["#)
        for (i, mark) in marks.enumerated() {
            if i > 0 { out.raw(",") }
            out.string(mark)
        }
        out.raw(#"],"explicitLabelOptOut":"#)
        if let optOut = explicitLabelOptOut {
            out.raw(#"{"agreement":"#)
            out.string(optOut.agreementVersion)
            out.raw(#","recipient":"#)
            out.string(optOut.recipient)
            out.raw("}")
        } else {
            out.raw("null")
        }
        out.raw(#","c2paManifestSHA256":"#)
        out.optionalHex(c2paManifestSHA256)
        out.raw("}")
        return out.bytes
    }
}

/// Appends canonical JSON pieces to a byte buffer, escaping exactly as `JSONValue.quote` does.
struct CanonicalWriter {
    var bytes: [UInt8] = []
    private static let digits = Array("0123456789abcdef".utf8)

    init() { bytes.reserveCapacity(512) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) {
        bytes.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0..<0x20: bytes += [0x5C, 0x75, 0x30, 0x30, Self.digits[Int(byte >> 4)], Self.digits[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    mutating func optionalString(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    mutating func hex(_ value: [UInt8]) {
        for byte in value {
            bytes.append(Self.digits[Int(byte >> 4)])
            bytes.append(Self.digits[Int(byte & 15)])
        }
    }

    mutating func optionalHex(_ value: [UInt8]?) {
        guard let value else { return raw("null") }
        bytes.append(0x22)
        hex(value)
        bytes.append(0x22)
    }

    mutating func decimal(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, as ``RecordTime/description``.
    mutating func time(_ time: RecordTime) {
        let ms = time.milliseconds
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = RecordTime.civil(fromDays: days)
        padded(y, 4)
        bytes.append(0x2D)
        padded(m, 2)
        bytes.append(0x2D)
        padded(d, 2)
        bytes.append(0x54)
        padded(msOfDay / 3_600_000, 2)
        bytes.append(0x3A)
        padded(msOfDay / 60_000 % 60, 2)
        bytes.append(0x3A)
        padded(msOfDay / 1000 % 60, 2)
        bytes.append(0x2E)
        padded(msOfDay % 1000, 3)
        bytes.append(0x5A)
    }

    private mutating func padded(_ value: Int64, _ width: Int) {
        var digits: [UInt8] = []
        var v = value
        repeat {
            digits.append(UInt8(0x30 + v % 10))
            v /= 10
        } while v > 0
        for _ in digits.count..<max(width, digits.count) { bytes.append(0x30) }
        bytes.append(contentsOf: digits.reversed())
    }
}
