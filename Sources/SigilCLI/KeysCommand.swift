import ArgumentParser
import Foundation
import Sigil

/// `sigil keys`: the provenance keystore (C2PA signer chain, SM2 label key).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, import and show the provenance keys (C2PA signer chain, SM2 label key).",
        discussion: """
            Keys live in the keystore (--keys DIR, else DATA/keys): c2pa/chain.pem, c2pa/signer.key, c2pa/anchor.pem, \
            sm2/signer.key, sm2/signer.pub, all written 0600. A passphrase (--passphrase-file, or SIGIL_KEY_PASSPHRASE) \
            encrypts the private keys as PKCS#8 (PBES2, AES-256-CBC).
            """,
        subcommands: [Init.self, Import.self, Anchor.self]
    )

    struct Location: ParsableArguments {
        @Option(name: .customLong("data"), help: "Sigil's data directory (default: $SIGIL_DATA, else ~/.local/share/sigil).") var dataDirectory:
            String?
        @Option(name: .customLong("keys"), help: "A keystore directory to use instead of DATA/keys.") var keysDirectory: String?

        var keystore: ProvenanceKeystore { ProvenanceKeyLoader.keystore(dataDirectory: dataDirectory, keysDirectory: keysDirectory) }
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a development CA chain (root → intermediate → C2PA signer) and an SM2 key.",
            discussion: "The signer certificate meets the C2PA profile c2pa-rs enforces. Hand `sigil keys anchor` to verifiers."
        )
        @OptionGroup var location: Location
        @Option(help: "The organisation (O=) in every certificate subject.") var organization = "Sigil Development"
        @Option(name: .customLong("passphrase-file"), help: "Encrypt the private keys with the passphrase in this file (else SIGIL_KEY_PASSPHRASE).")
        var passphraseFile: String?
        @Flag(help: "Replace existing keys.") var force = false

        func run() async throws {
            let paths = try location.keystore.initialize(
                organization: organization, passphrase: try ProvenanceKeyLoader.passphrase(file: passphraseFile), force: force)
            for path in paths { print(path) }
            Terminal.warning("these are development keys from a private CA; verifiers trust them only with `sigil keys anchor` as a trust anchor")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import a real C2PA signer (PEM chain and PKCS#8/SEC1 key) and optionally an SM2 key.",
            discussion: "The chain starts with the signer certificate; a trailing self-signed root becomes the trust anchor."
        )
        @OptionGroup var location: Location
        @Option(help: "PEM file with the signer certificate first, then intermediates (and optionally the root).") var chain: String?
        @Option(help: "The signer's P-256 private key (PEM, PKCS#8 or SEC1, maybe encrypted).") var key: String?
        @Option(help: "The root certificate (PEM), when the chain file does not end with it.") var anchor: String?
        @Option(name: .customLong("sm2-key"), help: "An SM2 private key (PKCS#8 PEM) for signed AIGC labels.") var sm2Key: String?
        @Option(name: .customLong("key-passphrase-file"), help: "The passphrase of the keys being imported, when they are encrypted.")
        var keyPassphraseFile: String?
        @Option(name: .customLong("passphrase-file"), help: "Encrypt the stored keys with this passphrase (else SIGIL_KEY_PASSPHRASE).")
        var passphraseFile: String?

        func validate() throws {
            guard (chain == nil) == (key == nil) else { throw ValidationError("--chain and --key go together") }
            guard chain != nil || sm2Key != nil else { throw ValidationError("give --chain and --key, or --sm2-key") }
        }

        func run() async throws {
            let keystore = location.keystore
            let passphrase = try ProvenanceKeyLoader.passphrase(file: passphraseFile)
            let keyPassphrase = try keyPassphraseFile.map { try ProvenanceKeyLoader.passphrase(file: $0) } ?? nil
            func text(_ path: String) throws -> String { String(decoding: try FileIO.read(path), as: UTF8.self) }
            if let chain, let key {
                try keystore.importSigner(
                    chainPEM: try text(chain), keyPEM: try text(key), keyPassphrase: keyPassphrase, anchorPEM: try anchor.map(text),
                    passphrase: passphrase)
                print(keystore.keystore.path(of: ProvenanceKeystore.chainName))
            }
            if let sm2Key {
                try keystore.importSM2(keyPEM: try text(sm2Key), keyPassphrase: keyPassphrase, passphrase: passphrase)
                print(keystore.keystore.path(of: ProvenanceKeystore.sm2KeyName))
            }
        }
    }

    struct Anchor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anchor",
            abstract: "Print the root certificate: the trust anchor to hand to verifiers (`sigil verify --trust-anchors`)."
        )
        @OptionGroup var location: Location

        func run() async throws {
            print(try location.keystore.anchorPEM(), terminator: "")
        }
    }
}
