import Foundation
import SigilKeys
import SigilWatermark

/// Loads the provider's watermark key from the keystore (item `watermark.key`, 32 random bytes), creating a
/// development key on first use.
public enum WatermarkKeys {
    /// Keystore item name of the watermark key.
    public static let itemName = "watermark.key"

    /// The watermarker for the keystore under `dataDirectory` (`--data DIR`), or directly in `keysDirectory`
    /// (`--keys DIR`) when given. `notice` is set when a development key was just created.
    ///
    /// - Throws: ``SigilError`` `.io` when the keystore cannot be read or written, `.usage` when the stored
    ///   key is not 32 bytes.
    public static func load(dataDirectory: String? = nil, keysDirectory: String? = nil) throws -> (
        watermarker: Watermarker, notice: DevelopmentKeyNotice?
    ) {
        let keystore = Self.keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory)
        let (bytes, created) = try keystore.readOrCreate(itemName) { WatermarkKey.generate().bytes }
        return (
            Watermarker(key: try key(bytes, keystore: keystore)),
            created ? DevelopmentKeyNotice(name: itemName, path: keystore.path(of: itemName)) : nil
        )
    }

    /// The stored key, or nil when the keystore has none: for readers (`sigil verify`), which never create one.
    ///
    /// - Throws: ``SigilError`` `.io` when the key cannot be read, `.usage` when it is not 32 bytes.
    public static func existing(dataDirectory: String? = nil, keysDirectory: String? = nil) throws -> WatermarkKey? {
        let keystore = Self.keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory)
        guard keystore.contains(itemName) else { return nil }
        return try key(try keystore.read(itemName), keystore: keystore)
    }

    /// The keystore for `--data DIR` / `--keys DIR` (the keys directory wins).
    public static func keystore(dataDirectory: String?, keysDirectory: String?) -> Keystore {
        keysDirectory.map { Keystore(directory: $0) } ?? DataDirectory.resolve(explicit: dataDirectory).keystore
    }

    static func key(_ bytes: [UInt8], keystore: Keystore) throws -> WatermarkKey {
        do {
            return try WatermarkKey(bytes: bytes)
        } catch {
            throw SigilError(.usage, "the watermark key \(keystore.path(of: itemName)) is \(bytes.count) bytes; it must be \(WatermarkKey.byteCount)")
        }
    }
}

extension WatermarkDetection {
    /// The detection as JSON members (`detected`, `payload`, `confidence`, the measurements behind them, and the
    /// search `stage` that decided).
    public var jsonMembers: [JSONValue.Member] {
        var members: [JSONValue.Member] = [
            .init("detected", .bool(detected)),
            .init("payload", payloadHex.map { .string($0) } ?? .null),
            .init("confidence", .number(String(format: "%.6f", confidence))),
            .init("bitAgreement", .number(String(format: "%.4f", bitAgreement))),
            .init("syncScore", .number(String(format: "%.2f", syncScore))),
        ]
        if let scale { members.append(.init("scale", .number(String(format: "%.4f", scale)))) }
        if let rotationDegrees { members.append(.init("rotationDegrees", .number(String(format: "%.2f", rotationDegrees)))) }
        // Where the search decided: the stage that read the mark, or the one that ended a search without one.
        if let stage { members.append(.init("stage", .string(stage.rawValue))) }
        members.append(.init("falsePositiveBound", .number(String(format: "%.3g", Self.falsePositiveBound))))
        return members
    }
}
