import MultipartKit
import NIOCore
import Sigil

/// One file of a batch, cut out of the request body.
struct BatchFile: Sendable {
    /// Its position in the request (0 for the first file).
    var index: Int
    /// Its name: the part's filename (else its field name), or its path in the tar stream.
    var name: String
    /// The file's bytes, or its size when it was over the per-file limit (its bytes were dropped as they came).
    var content: Content

    enum Content: Sendable {
        case bytes([UInt8])
        case tooLarge(Int)
    }
}

/// How a batch body is laid out.
enum BatchLayout: Sendable {
    /// `multipart/form-data`: every part is a file.
    case multipart(boundary: String)
    /// `application/x-tar`: every regular file is a file.
    case tar

    /// A splitter for one request.
    func splitter(fileLimit: Int) -> any BatchSplitter {
        switch self {
        case .multipart(let boundary): MultipartBatchSplitter(boundary: boundary, fileLimit: fileLimit)
        case .tar: TarBatchSplitter(fileLimit: fileLimit)
        }
    }
}

/// Cuts a batch body into files as its chunks arrive, holding at most the file being read (up to the per-file limit;
/// a larger file's bytes are counted and dropped).
protocol BatchSplitter: AnyObject {
    /// Reads the next chunk of the body; returns the files it completes.
    ///
    /// - Throws: ``SigilError`` when the body is malformed.
    func feed(_ chunk: ByteBuffer) throws -> [BatchFile]
    /// The body ended.
    ///
    /// - Throws: ``SigilError`` when it ended inside a file.
    func finish() throws
}

/// Collects the current file's bytes up to the limit.
private struct FileCollector {
    let limit: Int
    var name = ""
    var bytes: [UInt8] = []
    var size = 0

    mutating func start(_ name: String) {
        self.name = name
        bytes = []
        size = 0
    }

    mutating func append(_ chunk: some Collection<UInt8>) {
        size += chunk.count
        if size <= limit { bytes += chunk } else { bytes = [] }
    }

    mutating func file(index: Int) -> BatchFile {
        defer { bytes = [] }
        return BatchFile(index: index, name: name, content: size > limit ? .tooLarge(size) : .bytes(bytes))
    }
}

/// `multipart/form-data`: each part is one file, named by its filename or else its field name.
final class MultipartBatchSplitter: BatchSplitter {
    private let parser: MultipartParser
    private var collector: FileCollector
    private var completed: [BatchFile] = []
    private var count = 0
    private var open = false

    init(boundary: String, fileLimit: Int) {
        parser = MultipartParser(boundary: boundary)
        collector = FileCollector(limit: fileLimit)
        parser.onHeader = { [unowned self] name, value in
            guard name.lowercased() == "content-disposition" else { return }
            let (field, filename) = Upload.disposition(value)
            self.collector.name = filename ?? field ?? "part \(self.count)"
        }
        parser.onBody = { [unowned self] body in
            self.open = true
            self.collector.append(body.readableBytesView)
        }
        parser.onPartComplete = { [unowned self] in
            self.completed.append(self.collector.file(index: self.count))
            self.count += 1
            self.collector.start("part \(self.count)")
            self.open = false
        }
        collector.start("part 0")
    }

    func feed(_ chunk: ByteBuffer) throws -> [BatchFile] {
        do {
            try parser.execute(chunk)
        } catch {
            throw SigilError(.malformed, "the multipart body is malformed after \(count) parts: \(error)")
        }
        defer { completed.removeAll() }
        return completed
    }

    func finish() throws {
        if open || count == 0 {
            throw SigilError(.truncated, "the multipart body ends before its closing boundary (\(count) complete parts)")
        }
    }
}

/// `application/x-tar`: each regular file is one file, named by its path in the archive.
final class TarBatchSplitter: BatchSplitter {
    private var reader = TarStreamReader()
    private var collector: FileCollector
    private var count = 0

    init(fileLimit: Int) {
        collector = FileCollector(limit: fileLimit)
    }

    func feed(_ chunk: ByteBuffer) throws -> [BatchFile] {
        var files: [BatchFile] = []
        for event in try reader.feed(chunk.readableBytesView) {
            switch event {
            case .fileStart(let name, _): collector.start(name)
            case .fileData(let bytes): collector.append(bytes)
            case .fileEnd:
                files.append(collector.file(index: count))
                count += 1
            }
        }
        return files
    }

    func finish() throws { try reader.finish() }
}
