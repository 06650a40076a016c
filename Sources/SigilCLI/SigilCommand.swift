import ArgumentParser
import Foundation
import Sigil
import SigilAccess

/// `sigil`: label and verify AI-generated content (GB 45438-2025).
///
/// Exit codes: 0 success, 1 verify found problems, 2 usage, 3 bad input.
@main
struct SigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil",
        abstract: "Label and verify AI-generated content as GB 45438-2025 prescribes.",
        discussion: "Exit codes: 0 success, 1 verify found problems, 2 usage error, 3 bad input.",
        subcommands: [
            LabelCommand.self, LabelStreamCommand.self, VerifyCommand.self, DemoCommand.self, ServeCommand.self, APIKeyCommand.self,
            WatermarkCommand.self, LogCommand.self, KeysCommand.self, ScreeningCommand.self, AuditCommand.self, AccountCommand.self,
            AgreementCommand.self, PIICommand.self, TextMarkCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as SigilError {
            Terminal.error(error.description)
            Foundation.exit(error.code == .usage ? ExitStatus.usage : ExitStatus.badInput)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            Terminal.error(fullMessage(for: error))
            Foundation.exit(ExitStatus.usage)
        }
    }
}

/// The exit codes of the CLI contract.
enum ExitStatus {
    static let success: Int32 = 0
    static let problems: Int32 = 1
    static let usage: Int32 = 2
    static let badInput: Int32 = 3
}

enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("sigil: error: " + message + "\n").utf8))
    }
    static func warning(_ message: String) {
        FileHandle.standardError.write(Data(("sigil: warning: " + message + "\n").utf8))
    }
    static func note(_ message: String) {
        FileHandle.standardError.write(Data(("sigil: " + message + "\n").utf8))
    }
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }

    /// Removes the working files a killed sigil process left in `folders` (``WorkingFile/sweep(folder:olderThan:now:)``,
    /// decision 0038), saying each on stderr.
    static func sweepWorkingFiles(in folders: [String]) {
        for folder in folders {
            for path in WorkingFile.sweep(folder: folder) { note("removed \(path), left by a sigil process that is gone") }
        }
    }

    /// A progress line on stderr for long work (nil when stderr is not a terminal): `sigil: WHAT  42 %`.
    static func progressBar(_ what: String) -> (@Sendable (Double) -> Void)? {
        guard stderrIsTTY else { return nil }
        return { fraction in
            let percent = Int((min(max(fraction, 0), 1) * 100).rounded())
            let filled = percent / 5
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled)
            FileHandle.standardError.write(Data("\rsigil: \(what) [\(bar)] \(percent) %\(percent == 100 ? "\n" : "")".utf8))
        }
    }
}
