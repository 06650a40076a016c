import Foundation
import SigilKeys
import SigilProvenance

/// Loads the provider's provenance keys (the C2PA signer chain and the SM2 label key, under `c2pa/` and `sm2/` in the
/// keystore), creating development keys on first use, and reads the passphrase that protects them.
public enum ProvenanceKeyLoader {
    /// The environment variable that holds the key passphrase.
    public static let passphraseVariable = "SIGIL_KEY_PASSPHRASE"

    /// The provenance keystore for `--data DIR` / `--keys DIR` (the keys directory wins).
    public static func keystore(dataDirectory: String? = nil, keysDirectory: String? = nil) -> ProvenanceKeystore {
        ProvenanceKeystore(keysDirectory.map { Keystore(directory: $0) } ?? DataDirectory.resolve(explicit: dataDirectory).keystore)
    }

    /// The keys, with a notice for each development key just created; with `c2pa` false, the SM2 label key alone
    /// (``ProvenanceKeys/c2pa`` nil, the certificate chain not parsed).
    ///
    /// - Throws: ``SigilError`` `.passphrase` when the keys are encrypted and the passphrase is missing or wrong,
    ///   `.keys`/`.io` when they are malformed or unreadable.
    public static func load(dataDirectory: String? = nil, keysDirectory: String? = nil, passphrase: String? = nil, c2pa: Bool = true) throws -> (
        keys: ProvenanceKeys, notices: [DevelopmentKeyNotice]
    ) {
        try keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory).loadOrCreateDevelopment(
            passphrase: passphrase ?? Self.passphrase(), c2pa: c2pa)
    }

    /// The passphrase: the first line of `file` when given, else `SIGIL_KEY_PASSPHRASE`, else nil.
    public static func passphrase(file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let file {
            let text = String(decoding: try FileIO.read(file), as: UTF8.self)
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw SigilError(.usage, "the passphrase file \(file) is empty") }
            return line
        }
        if let value = environment[passphraseVariable], !value.isEmpty { return value }
        return nil
    }
}
