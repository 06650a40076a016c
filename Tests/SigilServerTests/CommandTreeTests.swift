import ArgumentParser
import Testing

@testable import SigilCLI

/// The CLI's start-up cost: swift-argument-parser names a command without a `commandName` by printing its type
/// (`String(describing:)`), and the first print of each type asks the runtime for several protocol conformances, each
/// a scan of every conformance in the binary. Every command names itself (decision 0030).
@Suite("sigil's command tree")
struct CommandTreeTests {
    @Test("every command in the tree names itself, so start-up never prints a type to name it")
    func everyCommandIsNamed() {
        var unnamed: [String] = []
        var count = 0
        func walk(_ command: any ParsableCommand.Type) {
            count += 1
            if command.configuration.commandName == nil { unnamed.append("\(command)") }
            command.configuration.subcommands.forEach(walk)
        }
        walk(SigilCommand.self)
        #expect(unnamed.isEmpty, "commands without commandName: \(unnamed)")
        #expect(count > 30, "the walk saw \(count) commands")
    }
}
