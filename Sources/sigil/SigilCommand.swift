import ArgumentParser
import Sigil

@main
struct SigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sigil", abstract: "Label and verify AI-generated content (GB 45438-2025).")
}
