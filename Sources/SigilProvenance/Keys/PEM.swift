import Foundation

/// PEM armour (RFC 7468): base64 DER between `-----BEGIN label-----` and `-----END label-----` lines.
public enum PEM {
    /// Every block with `label` (any label when nil), decoded, in order.
    public static func decode(_ text: String, label: String? = nil) -> [[UInt8]] {
        blocks(text).filter { label == nil || $0.label == label }.map(\.der)
    }

    /// Every block in `text`: its label and DER.
    public static func blocks(_ text: String) -> [(label: String, der: [UInt8])] {
        var out: [(String, [UInt8])] = []
        var current: String?
        var body = ""
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                current = String(line.dropFirst(11).dropLast(5))
                body = ""
            } else if line.hasPrefix("-----END "), let label = current {
                if let data = Data(base64Encoded: body) { out.append((label, [UInt8](data))) }
                current = nil
            } else if current != nil, !line.contains(":") {
                body += line
            }
        }
        return out
    }

    /// `der` armoured with `label`, 64 characters per line.
    public static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let next = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<next]))
            index = next
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
