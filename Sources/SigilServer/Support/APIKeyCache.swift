import Foundation
import Sigil
import SigilAccess

/// Authenticated keys for a short time, so a busy server does not read the store on every request. Revocation
/// drops the entry on the server that revokes; other servers see it within ``lifetime`` (decision 0402).
public actor APIKeyCache {
    /// How long an authenticated key is trusted without reading the store again.
    public static let lifetime: Duration = .seconds(10)
    private let store: APIKeyStore
    private var entries: [String: (key: APIKey, hash: [UInt8], until: ContinuousClock.Instant)] = [:]

    public init(store: APIKeyStore) {
        self.store = store
    }

    /// The live key of `token`, or nil.
    public func authenticate(_ token: APIKeyToken) async throws -> APIKey? {
        let now = ContinuousClock.now
        let hash = token.secretHash
        if let entry = entries[token.id], entry.until > now, entry.hash == hash { return entry.key }
        guard let key = try await store.authenticate(token) else {
            entries[token.id] = nil
            return nil
        }
        if entries.count > 10_000 { entries.removeAll() }
        entries[token.id] = (key, hash, now + Self.lifetime)
        return key
    }

    /// Forgets a key at once (after revoking it).
    public func forget(id: String) {
        entries[id] = nil
    }
}
