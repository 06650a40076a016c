import Foundation
import Hummingbird
import NIOCore
import Sigil
import SigilAccess

/// `POST /v1/verify/batch`: reads the body's files one after another as they arrive, verifies up to ``inFlight``
/// of them at once on the image workers, and writes one NDJSON line per file as soon as it is done (completion
/// order; each line names the file's index and name).
///
/// Memory and backpressure: a file holds a permit from the moment it is cut out of the body until its line is
/// written. With every permit taken the body is not read further, so TCP slows the client down; a client that does
/// not read its answers stops the reading the same way. At most ``inFlight`` files plus the one being read are in
/// memory, each at most the per-file limit (``ServerConfiguration/maxBodyBytes``).
struct BatchVerification: Sendable {
    let routes: APIRoutes
    let key: APIKey
    let decode: Bool
    let layout: BatchLayout
    /// Files verified or waiting to be written at once.
    let inFlight: Int

    /// Reads `body`, verifies its files and writes their lines to `writer`. Problems with one file are that file's
    /// line (`error`); a malformed or oversized body ends the answer with a line `{"error": …}` without an index.
    func run(_ body: RequestBody, writer: inout any ResponseBodyWriter) async throws {
        let configuration = routes.service.configuration
        let permits = Permits(inFlight)
        let (lines, sink) = AsyncStream<String>.makeStream()
        let reader = Task {
            defer { sink.finish() }
            let splitter = layout.splitter(fileLimit: configuration.maxBodyBytes)
            var received = 0
            var files = 0
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for try await chunk in body {
                        received += chunk.readableBytes
                        guard received <= configuration.batchMaxBytes else {
                            throw SigilError(.tooLarge, "the batch is over the server's limit of \(configuration.batchMaxBytes) bytes")
                        }
                        for file in try splitter.feed(chunk) {
                            files += 1
                            guard files <= configuration.batchMaxFiles else {
                                throw SigilError(.tooLarge, "the batch holds more than the server's limit of \(configuration.batchMaxFiles) files")
                            }
                            await permits.acquire()
                            group.addTask { sink.yield(await verify(file).serialized) }
                        }
                    }
                    try splitter.finish()
                    try await group.waitForAll()
                }
            } catch let error as SigilError {
                sink.yield(Self.errorLine(nil, nil, APIError(error)).serialized)
            } catch {
                sink.yield(Self.errorLine(nil, nil, APIError(.badRequest, "bad-request", "the batch body could not be read: \(error)")).serialized)
            }
        }
        do {
            for await line in lines {
                try await writer.write(ByteBuffer(string: line + "\n"))
                await permits.release()
            }
        } catch {
            // The client went away: stop reading and let the files in flight finish without waiting for permits.
            reader.cancel()
            await permits.close()
            throw error
        }
        await reader.value
    }

    /// One file's line: the verify report (as `POST /v1/verify` answers) with its index and name first, or an error.
    func verify(_ file: BatchFile) async -> JSONValue {
        let bytes: [UInt8]
        switch file.content {
        case .tooLarge(let size):
            return Self.errorLine(
                file.index, file.name,
                APIError(
                    .contentTooLarge, "too-large",
                    "the file is \(size) bytes, over the server's per-file limit of \(routes.service.configuration.maxBodyBytes)"))
        case .bytes(let b): bytes = b
        }
        do {
            try await routes.takeQuota(key)
            let verified = try await routes.verifyFile(bytes, decode: decode, waitForWorker: true)
            return .object([.init("index", .int(file.index)), .init("name", .string(file.name))] + verified.members)
        } catch let error as APIError {
            return Self.errorLine(file.index, file.name, error)
        } catch let error as SigilError {
            return Self.errorLine(file.index, file.name, APIError(error))
        } catch {
            return Self.errorLine(file.index, file.name, APIError(.internalServerError, "internal", "the file could not be verified"))
        }
    }

    /// `{"index", "name", "error": {"status", "code", "message"}}`; index and name are left out for the batch itself.
    static func errorLine(_ index: Int?, _ name: String?, _ error: APIError) -> JSONValue {
        var members: [JSONValue.Member] = []
        if let index { members.append(.init("index", .int(index))) }
        if let name { members.append(.init("name", .string(name))) }
        var detail: [JSONValue.Member] = [.init("status", .int(Int(error.status.code))), .init("code", .string(error.code))]
        if let wait = error.headers[.retryAfter] { detail.append(.init("retryAfter", .number(wait))) }
        detail.append(.init("message", .string(error.message)))
        members.append(.init("error", .object(detail)))
        return .object(members)
    }
}

/// A counting semaphore for async code: ``acquire()`` waits while every permit is taken.
actor Permits {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var closed = false

    init(_ count: Int) { available = max(1, count) }

    func acquire() async {
        if closed { return }
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { available += 1 } else { waiters.removeFirst().resume() }
    }

    /// Lets every waiter and every later ``acquire()`` through (the consumer is gone).
    func close() {
        closed = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}
