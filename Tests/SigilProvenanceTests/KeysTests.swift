import Foundation
import SigilContainers
import SigilKeys
import SwiftASN1
import Testing
import X509
import SigilTestSupport
@testable import SigilProvenance

@Suite struct KeysTests {
    @Test func developmentChainMeetsTheC2PAProfile() throws {
        let (identity, root) = try DevelopmentChain.generate(organization: "Acme AI")
        #expect(identity.chain.count == 2)
        #expect(CertificateProfile.problems(leaf: identity.leaf).isEmpty)
        let leaf = identity.leaf
        let eku = try #require(try leaf.extensions.extendedKeyUsage).map { ASN1ObjectIdentifier($0).description }
        #expect(eku.contains("1.3.6.1.5.5.7.3.4"))
        #expect(eku.contains("1.3.6.1.4.1.62558.2.1"))
        #expect(try leaf.extensions.authorityKeyIdentifier != nil)
        #expect(try leaf.extensions.keyUsage?.digitalSignature == true)
        #expect(leaf.subjectAttribute(.RDNAttributeType.organizationName) == "Acme AI")
        #expect(TrustAnchors(certificates: [root]).trusts(identity.chain))
        #expect(!TrustAnchors(certificates: [try DevelopmentChain.generate().root]).trusts(identity.chain))
        // Root and intermediate are CAs and cannot sign claims.
        #expect(!CertificateProfile.problems(leaf: root).isEmpty)
        #expect(!CertificateProfile.problems(leaf: identity.chain[1]).isEmpty)
    }

    @Test func keystoreInitWritesPrivateFilesAndLoads() throws {
        let dir = try ProvenanceTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = ProvenanceKeystore(Keystore(directory: dir.path))
        #expect(!store.isInitialized)
        let written = try store.initialize(organization: "Acme AI")
        #expect(written.count == 5)
        for path in written {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode == 0o600, "\(path)")
        }
        let keys = try store.load()
        #expect(keys.c2pa?.anchor != nil)
        #expect(try store.anchorPEM().hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(keys.sm2Public.point.count == 65)
        #expect(throws: SigilError.self) { try store.initialize() }
        try store.initialize(force: true)
        #expect(try store.load().c2pa?.leaf != keys.c2pa?.leaf)
    }

    @Test func passphraseEncryptsBothPrivateKeys() throws {
        let dir = try ProvenanceTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = ProvenanceKeystore(Keystore(directory: dir.path))
        try store.initialize(passphrase: "correct horse")
        for name in [ProvenanceKeystore.signerKeyName, ProvenanceKeystore.sm2KeyName] {
            let text = String(decoding: try store.keystore.read(name), as: UTF8.self)
            #expect(text.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "\(name)")
        }
        #expect(try store.load(passphrase: "correct horse").sm2Public.point.count == 65)
        #expect { try store.load() } throws: { ($0 as? SigilError)?.code == .passphrase }
        #expect { try store.load(passphrase: "wrong") } throws: { ($0 as? SigilError)?.code == .passphrase }
    }

    @Test func developmentKeysAreCreatedOnceOnFirstUse() throws {
        let dir = try ProvenanceTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = ProvenanceKeystore(Keystore(directory: dir.path))
        let (first, notices) = try store.loadOrCreateDevelopment()
        #expect(notices.count == 2)
        let (second, again) = try store.loadOrCreateDevelopment()
        #expect(again.isEmpty)
        #expect(first.c2pa?.leaf == second.c2pa?.leaf)
        #expect(first.sm2Public == second.sm2Public)
    }

    @Test func theLabelKeyLoadsWithoutTheChain() throws {
        let dir = try ProvenanceTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = ProvenanceKeystore(Keystore(directory: dir.path))
        let (full, _) = try store.loadOrCreateDevelopment()
        let labelOnly = try store.load(c2pa: false)
        #expect(labelOnly.c2pa == nil)
        #expect(labelOnly.sm2Public == full.sm2Public)
        #expect(LabelVerifier.knownKeys(of: labelOnly) == [full.sm2Public.point])
        #expect { try labelOnly.c2paSigner() } throws: { ($0 as? SigilError)?.code == .keys }
        // An ES256 label needs the C2PA key: refused with the same error, never signed with something else.
        let signer = LabelSigner(keys: labelOnly, algorithm: .es256)
        #expect {
            try signer.placeholder(for: AIGCLabel(label: .aiGenerated, contentProducer: "p", produceID: "1"), role: .producer, kind: .image)
        } throws: { ($0 as? SigilError)?.code == .keys }
        // A chain whose file is broken does not stop the label key from loading.
        try store.keystore.write(ProvenanceKeystore.chainName, Array("not a certificate".utf8))
        #expect(try store.load(c2pa: false).sm2Public == full.sm2Public)
        #expect(throws: SigilError.self) { try store.load() }
    }

    @Test(.enabled(if: ProvenanceTestSupport.hasFixtures))
    func importTakesARealChainAndRefusesABadOne() throws {
        let dir = try ProvenanceTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = ProvenanceKeystore(Keystore(directory: dir.path))
        func text(_ name: String) throws -> String { String(decoding: try ProvenanceTestSupport.fixture("certs/" + name), as: UTF8.self) }
        try store.importSigner(chainPEM: try text("chain.pem"), keyPEM: try text("signer.key"), anchorPEM: try text("root_ca.pem"))
        try store.importSM2(keyPEM: try SM2.PrivateKey.generate().pemRepresentation())
        let keys = try store.load()
        #expect(keys.c2pa?.leaf.subjectAttribute(.RDNAttributeType.commonName) == "C2PA Swift Test Signer")
        #expect(try store.anchorPEM() == (try text("root_ca.pem")).replacingOccurrences(of: "\r", with: ""))
        // A leaf without EKU, or a key that does not match the leaf, is refused.
        #expect { try store.importSigner(chainPEM: try text("noeku_chain.pem"), keyPEM: try text("noeku_leaf.key")) } throws: {
            ($0 as? SigilError)?.code == .keys
        }
        #expect { try store.importSigner(chainPEM: try text("chain.pem"), keyPEM: try text("noeku_leaf.key")) } throws: {
            ($0 as? SigilError)?.code == .keys
        }
    }

    @Test func sm2SignsAndVerifies() throws {
        let key = try SM2.PrivateKey.generate()
        let message = Array("\"Label\":\"1\",\"ContentProducer\":\"x\",\"ProduceID\":\"y\"".utf8)
        let signature = try key.signature(for: message)
        #expect(signature.first == 0x30)
        let publicKey = try key.publicKey
        #expect(publicKey.isValidSignature(signature, for: message))
        #expect(!publicKey.isValidSignature(signature, for: message + [0x20]))
        #expect(!publicKey.isValidSignature(signature, for: message, userID: Array("another-id".utf8)))
        // The same key read back from its raw point and from PEM.
        #expect(try SM2.PublicKey(bytes: publicKey.point) == publicKey)
        #expect(try SM2.PublicKey(pem: publicKey.pemRepresentation) == publicKey)
        #expect(try SM2.PrivateKey(pem: try key.pemRepresentation(passphrase: "p"), passphrase: "p") == key)
        #expect(
            SM3.hash(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
                == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }
}
