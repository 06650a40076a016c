import Foundation
import SigilKeys
import SigilTextMark

/// Loads the provider's text-mark key: derived from the keystore's watermark key (item `watermark.key`), so the
/// image, audio and text marks share one secret and one backup.
public enum TextMarkKeys {
    /// The text-mark key for `--data DIR` / `--keys DIR`, creating a development watermark key on first use;
    /// `notice` is set when one was just created.
    ///
    /// - Throws: ``SigilError`` `.io` when the keystore cannot be read or written, `.usage` when the stored key is
    ///   not 32 bytes.
    public static func load(dataDirectory: String? = nil, keysDirectory: String? = nil) throws -> (
        key: TextMarkKey, notice: DevelopmentKeyNotice?
    ) {
        let keystore = WatermarkKeys.keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory)
        let (bytes, created) = try keystore.readOrCreate(WatermarkKeys.itemName) { WatermarkKey.generate().bytes }
        let key = try WatermarkKeys.key(bytes, keystore: keystore)
        return (
            try TextMarkKey(watermarkKeyBytes: key.bytes),
            created ? DevelopmentKeyNotice(name: WatermarkKeys.itemName, path: keystore.path(of: WatermarkKeys.itemName)) : nil
        )
    }

    /// The stored key's text-mark key, or nil when the keystore has none (readers never create one).
    ///
    /// - Throws: ``SigilError`` `.io` when the key cannot be read, `.usage` when it is not 32 bytes.
    public static func existing(dataDirectory: String? = nil, keysDirectory: String? = nil) throws -> TextMarkKey? {
        try WatermarkKeys.existing(dataDirectory: dataDirectory, keysDirectory: keysDirectory).map {
            try TextMarkKey(watermarkKeyBytes: $0.bytes)
        }
    }
}
