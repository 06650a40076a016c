import SigilContainers
import Crypto
import Foundation

/// Reads and validates the C2PA manifest store of any asset, Sigil's or another tool's, in the order of the C2PA
/// specification §15, and reports the status codes c2pa-rs reports. Needs no network: OCSP and remote manifests are
/// not fetched (`signingCredential.ocsp.skipped`).
///
/// ```swift
/// let report = C2PAValidator(options: .init(trustAnchors: try TrustAnchors(pem: rootPEM))).validate(bytes)
/// report.state   // .valid, .validUntrustedSigner, .invalid or .absent
/// ```
public struct C2PAValidator: Sendable {
    public struct Options: Sendable {
        /// Roots (and trusted end-entity certificates); none makes every signer untrusted.
        public var trustAnchors: TrustAnchors = .none
        /// Signer EKUs accepted (c2pa-rs's default by default).
        public var acceptedEKUs: CertificateProfile.AcceptedEKUs = .c2paRSDefault
        /// The time certificates are checked against when there is no time stamp; now when nil.
        public var validationTime: Date?
        /// The formats whose manifest carriers are asked (``MediaRegistry/standard`` by default).
        public var registry: MediaRegistry = .standard
        public init(trustAnchors: TrustAnchors = .none) {
            self.trustAnchors = trustAnchors
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    static let hardBindingLabels: Set<String> = [
        "c2pa.hash.data", "c2pa.hash.boxes", "c2pa.hash.bmff", "c2pa.hash.bmff.v2", "c2pa.hash.bmff.v3", "c2pa.hash.collection.data",
    ]

    /// Validates the manifest store embedded in `asset`.
    public func validate(_ asset: [UInt8], format: MediaFormat? = nil) -> C2PAReport {
        guard let format = format ?? options.registry.format(of: asset),
            let carrier = options.registry.handler(for: format) as? any ManifestCarrying
        else { return C2PAReport(state: .absent) }
        let stores: [EmbeddedManifestStore]
        do {
            stores = try carrier.findManifestStores(in: asset)
        } catch {
            var report = C2PAReport(state: .invalid)
            report.error = "the \(format.displayName) container cannot be read: \(error)"
            report.failure.append(C2PAStatus(.generalError, report.error!))
            return report
        }
        guard let embedded = stores.first else { return C2PAReport(state: .absent) }
        var report = C2PAReport(state: .invalid)
        report.location = embedded.location
        if stores.count > 1 {
            report.failure.append(C2PAStatus(.manifestMultiple, "the asset holds \(stores.count) manifest stores; C2PA allows one"))
        }
        return validate(store: embedded, in: asset, format: format, report: report)
    }

    /// Validates a standalone store (a `.c2pa` sidecar) against `asset`.
    public func validate(store bytes: [UInt8], sidecarFor asset: [UInt8], format: MediaFormat) -> C2PAReport {
        var report = C2PAReport(state: .invalid)
        report.location = "sidecar"
        return validate(
            store: EmbeddedManifestStore(bytes: bytes, containerRange: asset.count..<asset.count, location: "sidecar"), in: asset, format: format,
            report: report)
    }

    func validate(store embedded: EmbeddedManifestStore, in asset: [UInt8], format: MediaFormat, report initial: C2PAReport) -> C2PAReport {
        var report = initial
        let store: ManifestStore
        do {
            store = try ManifestStore(bytes: embedded.bytes)
        } catch {
            report.error = "the manifest store is malformed: \(error)"
            report.failure.append(C2PAStatus(.claimMissing, report.error!))
            return report
        }
        report.manifestCount = store.manifests.count
        guard let active = store.activeManifest else {
            report.error = "the manifest store holds no manifest"
            report.failure.append(C2PAStatus(.claimMissing, report.error!))
            return report
        }
        report.activeManifest = active.label
        let context = ManifestValidation(validator: self, store: store, asset: asset, format: format, embedded: embedded)
        context.validate(active, report: &report, active: true)
        report.settle()
        return report
    }
}

/// The validation of one manifest (and, for the active one, its hard binding).
struct ManifestValidation {
    let validator: C2PAValidator
    let store: ManifestStore
    let asset: [UInt8]
    let format: MediaFormat
    let embedded: EmbeddedManifestStore

    var options: C2PAValidator.Options { validator.options }

    typealias HardBinding = (label: String, box: JUMBFSuperbox, alg: String?)

    /// Validates `manifest` into `report` and returns its hard-binding assertions. Only the active manifest's
    /// binding is checked against the asset (for an update manifest, its parent's).
    @discardableResult
    func validate(_ manifest: ManifestStore.Manifest, report: inout C2PAReport, active: Bool) -> [HardBinding] {
        let base = "self#jumbf=/c2pa/\(manifest.label)"
        // Claim.
        guard manifest.claimBoxes.count == 1, let claimBox = manifest.claimBoxes.first else {
            let code: C2PAStatus.Code = manifest.claimBoxes.isEmpty ? .claimMissing : .claimMultiple
            report.failure.append(C2PAStatus(code, url: base, "the manifest has \(manifest.claimBoxes.count) claims; it must have exactly one"))
            return []
        }
        let claimURL = "\(base)/\(claimBox.label ?? "c2pa.claim")"
        guard let claimBytes = store.cborPayload(of: claimBox) else {
            report.failure.append(C2PAStatus(.claimMissing, url: claimURL, "the claim box has no CBOR content"))
            return []
        }
        let claim: Claim
        do {
            claim = try Claim(bytes: claimBytes)
        } catch {
            report.failure.append(C2PAStatus(error.code, url: claimURL, error.explanation))
            report.error = error.description
            return []
        }
        if active {
            report.claimVersion = claim.version
            report.claimGenerator = claim.generator
            report.title = claim.title
        }

        // Signature.
        let signatureURL = "\(base)/c2pa.signature"
        guard let signatureBox = manifest.signatureBox, let signatureBytes = store.cborPayload(of: signatureBox) else {
            report.failure.append(C2PAStatus(.signatureMissing, url: signatureURL, "the manifest has no claim signature"))
            return []
        }
        let cose: COSESign1
        do {
            cose = try COSESign1.parse(signatureBytes)
        } catch {
            report.failure.append(C2PAStatus(.signatureMismatch, url: signatureURL, "the claim signature is not a tagged COSE_Sign1: \(error)"))
            report.error = "\(error)"
            return []
        }
        guard let algID = cose.algorithmIdentifier, let algorithm = COSEAlgorithm(rawValue: algID) else {
            report.failure.append(
                C2PAStatus(
                    .algorithmUnsupported, url: signatureURL,
                    "the claim signature names no algorithm C2PA allows (alg \(cose.algorithmIdentifier.map(String.init) ?? "absent"))"))
            report.error = "unknown signature algorithm"
            return []
        }
        let chainDER = cose.certificateChain(allowUnprotected: claim.version == 1)
        guard !chainDER.isEmpty else {
            report.failure.append(C2PAStatus(.credentialInvalid, url: signatureURL, "the COSE signature carries no x5chain certificate"))
            return []
        }
        var chain: [CertificateInfo] = []
        for der in chainDER {
            guard let certificate = try? CertificateInfo(der: der) else { break }
            chain.append(certificate)
        }
        guard let leaf = chain.first, let leafKey = leaf.verificationKey else {
            report.failure.append(
                C2PAStatus(.credentialInvalid, url: signatureURL, "the signer certificate does not parse (unsupported key type or malformed DER)"))
            report.failure.append(
                C2PAStatus(.signatureMismatch, url: signatureURL, "the claim signature cannot be checked without a usable signer key"))
            return []
        }

        // Time stamp: the time the certificate is judged at.
        var signingTime: Date?
        if let (version, tokens) = TimeStampToken.tokens(in: cose.unprotected) ?? TimeStampToken.tokens(in: cose.protected), let der = tokens.first {
            do {
                let token = try TimeStampToken(der: der)
                let candidates = Self.timeStampMessages(cose: cose, claim: claimBytes, version: version)
                if let alg = token.imprintAlgorithm, candidates.contains(where: { Self.digest($0, alg: alg) == token.imprint }) {
                    signingTime = token.time
                    report.success.append(
                        C2PAStatus(
                            .timeStampValidated, url: signatureURL,
                            "the time stamp's imprint matches the signature (genTime \(C2PASigner.rfc3339(token.time)))"))
                    report.informational.append(
                        C2PAStatus(.timeStampUntrusted, url: signatureURL, "the time-stamp authority's signature and chain are not checked"))
                } else {
                    report.informational.append(
                        C2PAStatus(.timeStampMismatch, url: signatureURL, "the time stamp's imprint does not match the signature"))
                }
            } catch {
                report.informational.append(C2PAStatus(error.code, url: signatureURL, error.explanation))
            }
        }
        if active {
            report.signer = C2PAReport.Signer(
                commonName: leaf.commonName, organization: leaf.organization,
                issuer: leaf.issuerAttribute("2.5.4.10") ?? leaf.issuerAttribute("2.5.4.3"),
                serialNumber: leaf.serialHex, algorithm: algorithm.description, notBefore: leaf.notBefore, notAfter: leaf.notAfter,
                publicKeySPKI: leaf.subjectPublicKeyInfo, timeStamp: signingTime)
        }

        // Certificate profile, trust.
        let problems = CertificateProfile.problems(leaf: leaf, algorithm: algorithm, ekus: options.acceptedEKUs)
        if !problems.isEmpty {
            report.failure.append(
                C2PAStatus(
                    .credentialInvalid, url: signatureURL, "the signer certificate breaks the C2PA profile: \(problems.joined(separator: "; "))"))
        }
        if options.trustAnchors.trusts(chain) {
            report.success.append(C2PAStatus(.trusted, url: signatureURL, "the signer chains to a configured trust anchor"))
        } else {
            report.failure.append(C2PAStatus(.untrusted, url: signatureURL, "the signer does not chain to a configured trust anchor"))
        }

        // Signature, validity.
        let tbs = COSESign1.toBeSigned(protectedBytes: cose.protectedBytes, payload: claimBytes)
        let signatureOK = algorithm.verify(cose.signature, over: tbs, with: leafKey)
        let at = signingTime ?? options.validationTime ?? Date()
        if leaf.notBefore <= at && at <= leaf.notAfter {
            report.success.append(C2PAStatus(.insideValidity, url: signatureURL, "the signer certificate is valid at \(C2PASigner.rfc3339(at))"))
        } else {
            report.failure.append(
                C2PAStatus(
                    .credentialExpired, url: signatureURL,
                    "the signer certificate is valid \(C2PASigner.rfc3339(leaf.notBefore)) to \(C2PASigner.rfc3339(leaf.notAfter)), not at \(C2PASigner.rfc3339(at))"
                ))
        }
        if signatureOK {
            report.success.append(C2PAStatus(.signatureValidated, url: signatureURL, "the claim signature is valid"))
        } else {
            report.failure.append(C2PAStatus(.signatureMismatch, url: signatureURL, "the claim signature does not verify with the signer's key"))
        }
        report.informational.append(C2PAStatus(.ocspSkipped, url: signatureURL, "revocation was not checked (no network)"))

        // Assertions.
        var referenced: Set<String> = []
        var hardBindings: [HardBinding] = []
        var actionsValue: CBOR?
        for uri in claim.assertions {
            guard let box = store.resolve(uri.url, from: manifest) else {
                report.failure.append(C2PAStatus(.assertionMissing, url: uri.url, "the claim references an assertion that is not in the manifest"))
                continue
            }
            referenced.insert(box.label ?? "")
            guard let alg = uri.alg ?? claim.alg else {
                report.failure.append(C2PAStatus(.algorithmUnsupported, url: uri.url, "no hash algorithm for the hashed URI"))
                report.error = "unknown algorithm"
                continue
            }
            guard
                let digest = DataHash.compute(
                    store.bytes, excluding: [0..<box.contentRange.lowerBound, box.contentRange.upperBound..<store.bytes.count], alg: alg)
            else {
                report.failure.append(C2PAStatus(.algorithmUnsupported, url: uri.url, "hash algorithm \(alg) is not allowed"))
                continue
            }
            if digest == uri.hash {
                report.success.append(C2PAStatus(.hashedURIMatch, url: uri.url, "the assertion's hash matches the claim"))
            } else {
                report.failure.append(
                    C2PAStatus(.hashedURIMismatch, url: uri.url, "the assertion's hash does not match the claim: it was changed after signing"))
            }
            let label = box.label ?? ""
            let baseLabel = Self.baseLabel(label)
            if C2PAValidator.hardBindingLabels.contains(baseLabel) { hardBindings.append((label, box, uri.alg ?? claim.alg)) }
            if active {
                report.assertionLabels.append(label)
                if baseLabel == AIGCAssertion.label, let bytes = store.cborPayload(of: box), let value = try? CBOR.decode(bytes) {
                    report.aigcLabel = AIGCAssertion.label(from: value)
                }
            }
            if (baseLabel == "c2pa.actions" || baseLabel == "c2pa.actions.v2"), actionsValue == nil, let bytes = store.cborPayload(of: box) {
                actionsValue = (try? CBOR.decode(bytes)) ?? .null
            }
        }
        for box in manifest.assertionStore?.superboxes ?? [] where !referenced.contains(box.label ?? "") {
            report.failure.append(
                C2PAStatus(
                    .assertionUndeclared, url: "\(base)/c2pa.assertions/\(box.label ?? "")",
                    "the assertion is in the manifest but not listed in the claim"))
        }

        // Actions (v2 claims): c2pa-rs requires an actions assertion whose first action is c2pa.created (with a
        // digitalSourceType) or c2pa.opened.
        if let actions = actionsValue?["actions"]?.arrayValue {
            for action in actions {
                guard let name = action["action"]?.textValue else { continue }
                let source = action["digitalSourceType"]?.textValue
                if active { report.actions.append((name, source)) }
            }
            if active {
                report.digitalSourceType =
                    report.actions.first { $0.action == "c2pa.created" }?.digitalSourceType
                    ?? report.actions.first { $0.digitalSourceType != nil }?.digitalSourceType
            }
        }
        if claim.version == 2 && !manifest.isUpdate {
            let first = actionsValue?["actions"]?.arrayValue?.first
            let name = first?["action"]?.textValue
            if actionsValue == nil {
                report.failure.append(C2PAStatus(.actionMalformed, url: base, "a v2 claim must include an actions assertion"))
            } else if name != "c2pa.created" && name != "c2pa.opened" {
                report.failure.append(
                    C2PAStatus(.actionMalformed, url: base, "the first action must be c2pa.created or c2pa.opened, not \(name ?? "none")"))
            } else if name == "c2pa.created" && first?["digitalSourceType"]?.textValue == nil {
                report.failure.append(C2PAStatus(.actionMalformed, url: base, "c2pa.created must have a digitalSourceType"))
            }
        }

        guard active else { return hardBindings }
        // Hard binding: the active manifest's own, or for an update manifest its parent's.
        if manifest.isUpdate {
            guard let parent = parentManifest(of: manifest, claim: claim) else {
                report.failure.append(C2PAStatus(.updateInvalid, url: base, "the update manifest has no parentOf ingredient manifest in the store"))
                return hardBindings
            }
            var parentReport = C2PAReport(state: .invalid)
            let bindings = validate(parent, report: &parentReport, active: false)
            for failure in parentReport.failure where failure.code != .untrusted {
                report.failure.append(C2PAStatus(.ingredientSignatureMismatch, url: failure.url, "the parent manifest fails: \(failure)"))
            }
            checkHardBindings(bindings, manifest: parent, report: &report)
            return hardBindings
        }
        checkHardBindings(hardBindings, manifest: manifest, report: &report)
        return hardBindings
    }

    func checkHardBindings(_ hardBindings: [HardBinding], manifest: ManifestStore.Manifest, report: inout C2PAReport) {
        guard !hardBindings.isEmpty else {
            report.failure.append(
                C2PAStatus(.hardBindingsMissing, url: "self#jumbf=/c2pa/\(manifest.label)", "the claim has no hard binding to the content"))
            return
        }
        if hardBindings.count > 1 {
            report.failure.append(
                C2PAStatus(.multipleHardBindings, url: "self#jumbf=/c2pa/\(manifest.label)", "the claim has \(hardBindings.count) hard bindings"))
        }
        let binding = hardBindings[0]
        let url = "self#jumbf=/c2pa/\(manifest.label)/c2pa.assertions/\(binding.label)"
        let value = store.cborPayload(of: binding.box).flatMap { try? CBOR.decode($0) }
        switch Self.baseLabel(binding.label) {
        case "c2pa.hash.data":
            checkDataHash(value, alg: binding.alg, url: url, report: &report)
        case "c2pa.hash.boxes":
            BoxHash.check(value, alg: binding.alg, asset: asset, format: format, store: embedded, url: url, report: &report)
        case "c2pa.hash.collection.data":
            CollectionHash.check(value, alg: binding.alg, asset: asset, format: format, registry: options.registry, url: url, report: &report)
        case "c2pa.hash.bmff", "c2pa.hash.bmff.v2", "c2pa.hash.bmff.v3":
            BMFFHash.check(value, label: Self.baseLabel(binding.label), alg: binding.alg, asset: asset, url: url, report: &report)
        default:
            report.failure.append(C2PAStatus(.algorithmUnsupported, url: url, "the hard binding \(binding.label) is not one Sigil validates"))
        }
    }

    func checkDataHash(_ value: CBOR?, alg claimAlg: String?, url: String, report: inout C2PAReport) {
        guard let value, let hash = value["hash"]?.bytesValue, value["pad"] != nil || value["pad2"] != nil else {
            report.failure.append(C2PAStatus(.dataHashMalformed, url: url, "the data-hash assertion lacks hash or pad"))
            return
        }
        var exclusions: [Range<Int>] = []
        for item in value["exclusions"]?.arrayValue ?? [] {
            guard let start = item["start"]?.intValue, let length = item["length"]?.intValue, start >= 0, length >= 0, start <= asset.count,
                length <= asset.count - start
            else {
                report.failure.append(C2PAStatus(.dataHashMismatch, url: url, "an exclusion lies outside the asset"))
                return
            }
            exclusions.append(start..<(start + length))
        }
        // Plain text hashes its NFC form (DataHashCanonicalizing); every other carrier its bytes.
        let carrier = options.registry.handler(for: format) as? any ManifestCarrying
        let alg = value["alg"]?.textValue ?? claimAlg
        let computed: [UInt8]?
        do {
            computed = try alg.flatMap { try DataHash.compute(asset, excluding: exclusions, alg: $0, carrier: carrier) }
        } catch {
            report.failure.append(C2PAStatus(.dataHashMismatch, url: url, "the content cannot be hashed: \(error)"))
            return
        }
        guard let alg, var digest = computed else {
            report.failure.append(C2PAStatus(.algorithmUnsupported, url: url, "the data hash names no allowed algorithm"))
            return
        }
        // The exclusions must cover the store container and nothing but it (or zero padding). A store that grew
        // since the binding was made (update manifests appended in place) keeps its start: the exclusion then
        // stands for the whole container, as c2pa-rs reads it.
        let container = embedded.containerRange
        if digest != hash, let index = exclusions.firstIndex(where: { $0.lowerBound == container.lowerBound && $0.count < container.count }) {
            exclusions[index] = container
            digest = (try? DataHash.compute(asset, excluding: exclusions, alg: alg, carrier: carrier)) ?? digest
        }
        let coversStore = container.isEmpty || exclusions.contains { $0.lowerBound <= container.lowerBound && $0.upperBound >= container.upperBound }
        if digest == hash && coversStore {
            report.success.append(C2PAStatus(.dataHashMatch, url: url, "the content hash matches: no byte outside the manifest changed"))
        } else {
            report.failure.append(
                C2PAStatus(
                    .dataHashMismatch, url: url,
                    coversStore
                        ? "the content hash does not match: the asset was changed after signing"
                        : "the data-hash exclusions do not cover the manifest store: it was moved from another asset"))
        }
    }

    /// The manifest an update manifest's `parentOf` ingredient points to.
    func parentManifest(of manifest: ManifestStore.Manifest, claim: Claim) -> ManifestStore.Manifest? {
        for uri in claim.assertions where Self.baseLabel(uri.assertionLabel).hasPrefix("c2pa.ingredient") {
            guard let box = store.resolve(uri.url, from: manifest), let bytes = store.cborPayload(of: box), let value = try? CBOR.decode(bytes) else {
                continue
            }
            guard value["relationship"]?.textValue == "parentOf" else { continue }
            guard let target = (value["c2pa_manifest"] ?? value["activeManifest"])?["url"]?.textValue else { continue }
            // The URL names the parent manifest (v1/v2 `c2pa_manifest`) or its claim (v3 `activeManifest`).
            if let target = store.resolve(target, from: manifest),
                let parent = store.manifests.first(where: { $0.box.box.range.contains(target.box.range.lowerBound) }), parent.box != manifest.box
            {
                return parent
            }
        }
        return nil
    }

    /// `c2pa.hash.data__1` → `c2pa.hash.data`.
    static func baseLabel(_ label: String) -> String {
        guard let range = label.range(of: "__", options: .backwards), label[range.upperBound...].allSatisfy(\.isNumber),
            range.upperBound != label.endIndex
        else { return label }
        return String(label[..<range.lowerBound])
    }

    static func digest(_ bytes: [UInt8], alg: String) -> [UInt8]? {
        if alg == "sha1" { return Array(Insecure.SHA1.hash(data: bytes)) }
        return DataHash.compute(bytes, excluding: [], alg: alg)
    }

    /// The byte strings a time stamp's imprint may cover (v1 `sigTst`, v2 `sigTst2`).
    static func timeStampMessages(cose: COSESign1, claim: [UInt8], version: Int) -> [[UInt8]] {
        let p = CBOR.bytes(cose.protectedBytes)
        return [
            CBOR.array([.text("CounterSignature"), p, .bytes([]), .bytes(cose.signature)]).encoded(),
            CBOR.array([.text("CounterSignature"), p, .bytes([]), .bytes([]), .bytes(cose.signature)]).encoded(),
            CBOR.array([.text("CounterSignature"), p, .bytes([]), .bytes(claim)]).encoded(),
            CBOR.array([.text("CounterSignature"), p, .bytes([]), .bytes([]), .bytes(claim)]).encoded(),
            COSESign1.toBeSigned(protectedBytes: cose.protectedBytes, payload: claim),
            claim,
        ]
    }
}
