import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import SigilStore

/// One text message to a mainland mobile number.
public struct SMSMessage: Sendable, Hashable, Codable {
    /// The number in E.164 form (`+8613800138000`).
    public var to: String
    /// The template the gateway should use (`phone-verification`).
    public var template: String
    /// The template's parameters (`code`).
    public var parameters: [String: String]
    /// The whole text, for gateways without templates.
    public var text: String
}

/// Sends text messages. Sigil ships a development sender (``DevelopmentSMSSender``) and an HTTP gateway client
/// (``HTTPSMSGateway``); a provider's own SMS service plugs in by configuration (`smsGatewayURL`).
public protocol SMSSender: Sendable {
    /// Sends `message`.
    ///
    /// - Throws: ``SigilError`` `.unavailable` when the gateway refuses or cannot be reached.
    func send(_ message: SMSMessage) async throws
}

/// The development sender: writes each message to the server's log and, when given a file, appends it there as a
/// JSON line — with the number and the one-time code masked, so no personal data or secret lands in plain text.
/// `sigil serve` uses it only in development mode (`--development`), when no gateway is configured.
public struct DevelopmentSMSSender: SMSSender {
    let logger: Logger
    /// A JSON-lines outbox (`<data>/dev-sms.jsonl`), or nil for the log only.
    public let outbox: String?

    public init(logger: Logger, outbox: String? = nil) {
        self.logger = logger
        self.outbox = outbox
    }

    public func send(_ message: SMSMessage) async throws {
        let masked = Self.masked(message)
        logger.notice("development SMS (not sent)", metadata: ["to": "\(masked.to)", "text": "\(masked.text)"])
        guard let outbox else { return }
        var line = try JSONEncoder.sorted.encode(masked)
        line.append(0x0A)
        guard
            let handle = FileHandle(forWritingAtPath: outbox)
                ?? {
                    _ = FileManager.default.createFile(atPath: outbox, contents: nil, attributes: [.posixPermissions: 0o600])
                    return FileHandle(forWritingAtPath: outbox)
                }()
        else {
            throw SigilError(.io, "cannot open the development SMS outbox", path: outbox)
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }

    /// The message as the development sender records it: the number with its middle masked, every parameter value
    /// (the code) and its every occurrence in the text replaced by stars.
    static func masked(_ message: SMSMessage) -> SMSMessage {
        var masked = message
        masked.to = Masking.keepEnds(message.to, head: 6, tail: 4)
        for (name, value) in message.parameters where !value.isEmpty {
            let stars = String(repeating: "*", count: value.count)
            masked.parameters[name] = stars
            masked.text = masked.text.replacingOccurrences(of: value, with: stars)
        }
        return masked
    }
}

/// An SMS gateway over HTTP (docs/DUTIES.md, "SMS gateway protocol"): `POST <url>` with the ``SMSMessage`` as JSON
/// and `Authorization: Bearer <token>`; any 2xx means accepted.
public struct HTTPSMSGateway: SMSSender {
    public let url: URL
    let token: String?
    let timeout: TimeInterval

    public init(url: URL, token: String?, timeout: TimeInterval = 10) {
        self.url = url
        self.token = token
        self.timeout = timeout
    }

    public func send(_ message: SMSMessage) async throws {
        _ = try await HTTPCallout(url: url, token: token, timeout: timeout, service: "the SMS gateway").post(message)
    }
}

/// A JSON POST to an outside service, with a timeout and errors that name the service.
struct HTTPCallout: Sendable {
    let url: URL
    let token: String?
    let timeout: TimeInterval
    let service: String

    func post(_ body: some Encodable) async throws -> Data {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONEncoder.sorted.encode(body)
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw SigilError(.unavailable, "\(service) at \(url.absoluteString) could not be reached: \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            throw SigilError(.unavailable, "\(service) at \(url.absoluteString) answered HTTP \(status)")
        }
        return data
    }
}

extension SigilError.Code {
    /// An outside service (SMS gateway, identity verification) refused or could not be reached.
    public static let unavailable = SigilError.Code("unavailable")
}
