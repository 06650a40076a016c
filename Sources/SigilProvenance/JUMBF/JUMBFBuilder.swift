/// Serialises JUMBF boxes: plain boxes, description boxes and superboxes, with 32-bit lengths (or 64-bit when
/// a box would not fit).
public enum JUMBFBuilder {
    /// A box of `type` around `payload`.
    public static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8.prefix(4))
        if payload.count + 8 <= Int(UInt32.max) {
            return UInt32(payload.count + 8).bigEndianArray + typeBytes + payload
        }
        return UInt32(1).bigEndianArray + typeBytes + UInt64(payload.count + 16).bigEndianArray + payload
    }

    /// A description box (`jumd`): type UUID, toggles 0x03 (requestable, labelled) or 0x13 with a `c2sh` salt.
    public static func description(type: [UInt8], label: String, salt: [UInt8]? = nil) -> [UInt8] {
        var payload = type
        payload.append(salt == nil ? 0x03 : 0x13)
        payload += Array(label.utf8) + [0]
        if let salt { payload += box("c2sh", salt) }
        return box("jumd", payload)
    }

    /// A superbox (`jumb`) with a description and already-serialised children.
    public static func superbox(type: [UInt8], label: String, children: [[UInt8]]) -> [UInt8] {
        box("jumb", description(type: type, label: label) + children.flatMap { $0 })
    }

    /// A C2PA assertion superbox holding one CBOR content box.
    public static func cborAssertion(label: String, _ value: CBOR) -> [UInt8] {
        superbox(type: JUMBFType.uuid("cbor"), label: label, children: [box("cbor", value.encoded())])
    }
}

extension FixedWidthInteger {
    /// The big-endian bytes of this integer.
    var bigEndianArray: [UInt8] {
        withUnsafeBytes(of: self.bigEndian) { Array($0) }
    }
}
