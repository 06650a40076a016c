import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Sigil
import SigilCompliance

/// The public verify page at `/`: GET shows the form, POST (the form's multipart upload) shows the verdict.
struct PageRoutes: Sendable {
    let service: SigilService
    var api: APIRoutes { APIRoutes(service: service) }

    func index(_ request: Request, context: SigilRequestContext) async throws -> Response {
        html(service.page.render())
    }

    func verify(_ request: Request, context: SigilRequestContext) async throws -> Response {
        do {
            try await api.rateLimit(request, context)
            let upload = try await Upload.read(request, limit: service.configuration.maxBodyBytes)
            let fileExtension = upload.filename.map { URL(fileURLWithPath: $0).pathExtension }.flatMap { $0.isEmpty ? nil : $0 }
            let (report, check) = try await api.verifyUpload(upload.bytes, decode: true, fileExtension: fileExtension)
            let picture = report.format == .pdf ? await firstPage(upload.bytes) : nil
            return html(
                service.page.render(
                    result: VerifyPage.model(report: report, check: check, filename: upload.filename, picture: picture, upload: upload.bytes)))
        } catch let error as APIError {
            return html(service.page.render(error: error.message), status: error.status)
        } catch let error as SigilError {
            let api = APIError(error)
            return html(service.page.render(error: error.message), status: api.status)
        }
    }

    /// A PDF's first page drawn by poppler on a worker (decision 0409); the page shows why when it cannot be.
    func firstPage(_ bytes: [UInt8]) async -> VerifyPage.Picture {
        guard let tool = service.page.pdftoppm else { return .missingTool }
        do {
            return .png(try await api.work { try PDFFirstPage.render(bytes, tool: tool) })
        } catch let error as APIError {
            return .failed(error.message)
        } catch let error as SigilError {
            return .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
    }

    /// `POST /report` (the page's complaint form): files it and shows the receipt with its deadline.
    func report(_ request: Request, context: SigilRequestContext) async throws -> Response {
        do {
            try await api.rateLimit(request, context)
            let form = try await FormBody.read(request)
            let complaint = try await service.compliance.complaints.submit(
                kind: form["kind"], category: form["category"], description: form["description"], contact: form["contact"],
                produceID: form["produceID"], contentURL: form["contentUrl"])
            service.metrics.complaint(kind: complaint.kind.rawValue)
            return html(service.page.render(receipt: ["id": complaint.id, "dueAt": complaint.dueAt.description]), status: .created)
        } catch let error as FieldError {
            return html(service.page.render(reportError: error.description), status: .unprocessableContent)
        } catch let error as APIError {
            return html(service.page.render(reportError: error.message), status: error.status)
        }
    }

    /// `/static/style.css` and `/static/verify.js`.
    func asset(_ request: Request, context: SigilRequestContext) async throws -> Response {
        let file = try context.parameters.require("file")
        let types = ["style.css": "text/css; charset=utf-8", "verify.js": "text/javascript; charset=utf-8"]
        guard let type = types[file] else { throw APIError(.notFound, "not-found", "no static file \(file)") }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(bytes: try Resources.bytes(file))))
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
