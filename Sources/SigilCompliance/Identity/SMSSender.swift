import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
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
///
/// Over AsyncHTTPClient's shared client (SwiftNIO, already the server's transport) rather than `URLSession`:
/// FoundationNetworking would link libcurl and the libraries behind it into every `sigil` process, over 10 ms
/// of start-up for a command that never sends a message (decision 0027).
struct HTTPCallout: Sendable {
    let url: URL
    let token: String?
    let timeout: TimeInterval
    let service: String
    /// The longest answer read (1 MiB); a longer one is refused as the service's fault.
    static let maximumAnswer = 1 << 20

    func post(_ body: some Encodable) async throws -> Data {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder.sorted.encode(body)))
        let deadline = TimeAmount.milliseconds(Int64(timeout * 1000))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: deadline)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw SigilError(.unavailable, "\(service) at \(url.absoluteString) answered HTTP \(response.status.code)")
            }
            return Data(try await response.body.collect(upTo: Self.maximumAnswer).readableBytesView)
        } catch let error as SigilError {
            throw error
        } catch {
            throw SigilError(.unavailable, "\(service) at \(url.absoluteString) could not be reached: \(error)")
        }
    }
}

extension SigilError.Code {
    /// An outside service (SMS gateway, identity verification) refused or could not be reached.
    public static let unavailable = SigilError.Code("unavailable")
}
