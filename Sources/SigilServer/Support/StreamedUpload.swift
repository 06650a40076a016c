import Foundation
import HTTPTypes
import Hummingbird
import MultipartKit
import NIOCore
import NIOPosix
import Sigil

/// A file sent to the API streamed to disk as it arrives — the raw request body, or the `file` part of a
/// `multipart/form-data` body — so a long video never sits in memory (decision 0411). The options come as
/// ``Upload``'s do. The file is written under a working name and renamed into place only when the body is complete
/// and within the limit; anything else leaves no file.
struct StreamedUpload: Sendable {
    /// Where the file now is.
    var path: String
    var size: Int64
    var filename: String?
    var options: RequestOptions
    /// The file's first bytes (for sniffing its format).
    var head: [UInt8]

    /// The most bytes a form's parts other than the file may hold together.
    static let maxFieldBytes = 64 * 1024

    /// Streams the request's file to `path` (at most `limit` bytes).
    ///
    /// - Throws: ``APIError`` 413 over the limit, 415 for another media type, 400 for a malformed multipart body,
    ///   one without a file or an empty file; ``SigilError`` `.io` when the file cannot be written.
    static func receive(_ request: Request, to path: String, limit: Int64) async throws -> StreamedUpload {
        if let length = request.headers[.contentLength].flatMap(Int64.init), length > limit {
            throw APIError(.contentTooLarge, "too-large", "the body is \(length) bytes, over the server's limit of \(limit)")
        }
        let (contentType, mediaType) = try Upload.mediaType(of: request)
        var options = RequestOptions(query: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        let working = WorkingFile.path(beside: path, role: "upload", fileExtension: "part")
        guard FileManager.default.createFile(atPath: working, contents: nil), let handle = FileHandle(forWritingAtPath: working) else {
            throw SigilError(.io, "cannot create the upload's file", path: working)
        }
        let sink = Sink(handle: handle, limit: limit)
        do {
            if mediaType == "multipart/form-data" {
                guard let boundary = Upload.boundary(contentType) else {
                    throw APIError(.badRequest, "bad-multipart", "multipart/form-data needs a boundary parameter")
                }
                let form = try await Self.receiveForm(request.body, boundary: boundary, into: sink)
                for (name, value) in form.fields {
                    if name == "options" { try options.merge(json: value) } else { options.set(name, value) }
                }
                sink.filename = form.filename
            } else {
                for try await buffer in request.body { try sink.write(buffer.readableBytesView) }
            }
            guard sink.size > 0 else { throw APIError(.badRequest, "empty-file", "the file is empty") }
            try sink.flush()
            // The flush to disk (gigabytes, maybe) waits on a thread of NIO's pool, not Swift's cooperative one.
            try await NIOThreadPool.singleton.runIfActive { try handle.synchronize() }
            try handle.close()
            guard rename(working, path) == 0 else { throw SigilError(.io, "cannot move the upload into place (errno \(errno))", path: path) }
        } catch {
            try? handle.close()
            unlink(working)
            throw error
        }
        return StreamedUpload(path: path, size: sink.size, filename: sink.filename, options: options, head: sink.head)
    }

    /// Writes the bytes of the file, counting them against the limit and keeping the first ones.
    final class Sink: @unchecked Sendable {
        let handle: FileHandle
        let limit: Int64
        var size: Int64 = 0
        var head: [UInt8] = []
        var filename: String?

        init(handle: FileHandle, limit: Int64) {
            self.handle = handle
            self.limit = limit
        }

        /// Bytes collected for the next write (the multipart parser hands over small pieces).
        private var pending: [UInt8] = []
        static let writeSize = 1 << 20

        func write(_ bytes: ByteBufferView) throws {
            size += Int64(bytes.count)
            guard size <= limit else { throw APIError(.contentTooLarge, "too-large", "the file is over the server's limit of \(limit) bytes") }
            if head.count < MediaRegistry.sniffLength { head += bytes.prefix(MediaRegistry.sniffLength - head.count) }
            pending += bytes
            if pending.count >= Self.writeSize { try flush() }
        }

        /// Writes what was collected.
        func flush() throws {
            guard !pending.isEmpty else { return }
            try handle.write(contentsOf: Data(pending))
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// The form's file part streamed into `sink`, its other parts (small) returned.
    static func receiveForm(
        _ body: RequestBody, boundary: String, into sink: Sink
    ) async throws -> (fields: [(String, String)], filename: String?) {
        final class State {
            var name: String?
            var filename: String?
            var isFile = false
            var field: [UInt8] = []
            var fieldBytes = 0
            var fields: [(String, String)] = []
            var fileName: String?
            var files = 0
            var fileComplete = false
            var parts = 0
            var failure: (any Error)?
        }
        let state = State()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in
            guard name.lowercased() == "content-disposition" else { return }
            let (n, f) = Upload.disposition(value)
            state.name = n
            state.filename = f
            state.isFile = n == "file" || (f != nil && n != "options" && state.files == 0)
            if state.isFile {
                state.files += 1
                if state.files > 1 { state.failure = APIError(.badRequest, "bad-multipart", "send one file per request (two `file` parts)") }
                state.fileName = f
            }
        }
        parser.onBody = { body in
            guard state.failure == nil else { return }
            do {
                if state.isFile {
                    try sink.write(body.readableBytesView)
                } else {
                    state.fieldBytes += body.readableBytes
                    guard state.fieldBytes <= maxFieldBytes else {
                        throw APIError(.contentTooLarge, "too-large", "the form's fields are over \(maxFieldBytes) bytes together")
                    }
                    state.field += body.readableBytesView
                }
            } catch {
                state.failure = error
            }
        }
        parser.onPartComplete = {
            state.parts += 1
            if state.parts > 64 { state.failure = state.failure ?? APIError(.badRequest, "bad-multipart", "the form has more than 64 parts") }
            if state.isFile { state.fileComplete = true }
            if !state.isFile {
                guard let name = state.name else {
                    state.failure = state.failure ?? APIError(.badRequest, "bad-multipart", "a part has no name in its Content-Disposition")
                    return
                }
                state.fields.append((name, String(decoding: state.field, as: UTF8.self)))
            }
            (state.name, state.filename, state.isFile, state.field) = (nil, nil, false, [])
        }
        var offset = 0
        // Everything the parser is given counts: the file, the fields, and the boundaries and headers around them.
        let most = Int(clamping: sink.limit) + maxFieldBytes + 64 * 1024
        for try await buffer in body {
            guard offset + buffer.readableBytes <= most else {
                throw APIError(.contentTooLarge, "too-large", "the form is over the server's limit of \(sink.limit) bytes and its fields")
            }
            do {
                try parser.execute(buffer)
            } catch {
                throw APIError(.badRequest, "bad-multipart", "the multipart body is malformed near byte \(offset): \(error)")
            }
            if let failure = state.failure { throw failure }
            offset += buffer.readableBytes
        }
        guard state.files == 1 else { throw APIError(.badRequest, "bad-multipart", "the form has no `file` part") }
        guard state.fileComplete else {
            throw APIError(.badRequest, "bad-multipart", "the multipart body ended at byte \(offset), inside the file part (no closing boundary)")
        }
        return (state.fields, state.fileName)
    }
}
