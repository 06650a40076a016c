import Foundation
import Testing
@testable import SigilCompliance
import SigilStore

@Suite struct IdentityTests {
    @Test func residentIDNumberAcceptsValidNumbers() throws {
        let id = try ResidentIDNumber("11010519491231002x")
        #expect(id.rawValue == "11010519491231002X")
        #expect(id.birthDate == "1949-12-31")
        #expect(id.masked == "1101**********002X")
        let body = "44030419900307123"
        let made = body + String(try #require(ResidentIDNumber.checkCharacter(for: body)))
        #expect(try ResidentIDNumber(made).rawValue == made)
    }

    @Test(arguments: [
        ("11010519491231002", "18 characters"),
        ("110105194912310021", "check character"),
        ("990105194912310023", "no province"),
        ("110105194902300020", "birth date"),
        ("110105299901010020", "birth date"),
        ("11010519491231002Y", "17 digits"),
        ("110105491231002", "first generation"),
    ])
    func residentIDNumberRefusesWithTheReason(_ input: String, _ reason: String) {
        do {
            _ = try ResidentIDNumber(input)
            Issue.record("\(input) was accepted")
        } catch let error as FieldError {
            #expect(error.field == "idNumber")
            #expect(error.message.contains(reason), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func mobileNumbers() throws {
        #expect(try MobileNumber("+86 138-0013-8000").rawValue == "13800138000")
        #expect(try MobileNumber("008613800138000").rawValue == "13800138000")
        #expect(try MobileNumber("8613800138000").rawValue == "13800138000")
        #expect(try MobileNumber("13800138000").masked == "138****8000")
        for bad in ["12800138000", "1380013800", "138001380000", "+1 415 555 0100", "1380013800a", ""] {
            #expect(throws: FieldError.self, "\(bad)") { try MobileNumber(bad) }
        }
    }

    @Test func applicationsNameTheBadField() throws {
        func field(_ make: () throws -> AccountApplication) -> String? {
            do {
                _ = try make()
                return nil
            } catch let error as FieldError { return error.field } catch { return "other" }
        }
        #expect(
            field { try AccountApplication(kind: "individual", name: "张三", phone: "13800138000", idNumber: "110105194912310021", uscc: nil) }
                == "idNumber")
        #expect(
            field { try AccountApplication(kind: "organization", name: "某公司", phone: "13800138000", idNumber: nil, uscc: "91440300708461136A") }
                == "uscc")
        #expect(
            field { try AccountApplication(kind: "individual", name: "张三", phone: "10086", idNumber: "11010519491231002X", uscc: nil) } == "phone")
        #expect(field { try AccountApplication(kind: "robot", name: "x", phone: "13800138000", idNumber: nil, uscc: nil) } == "kind")
        #expect(
            field { try AccountApplication(kind: "individual", name: "  ", phone: "13800138000", idNumber: "11010519491231002X", uscc: nil) }
                == "name")
        #expect(
            field { try AccountApplication(kind: "organization", name: "某公司", phone: "13800138000", idNumber: nil, uscc: "91440300708461136T") }
                == nil)
    }

    @Test func vaultSealsBindsAndLooksUp() throws {
        let vault = try PersonalDataVault(masterKey: Array(repeating: 7, count: 32))
        let sealed = try vault.seal("11010519491231002X", context: "accounts/acc_1/identity")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("110105"))
        #expect(try vault.open(sealed, context: "accounts/acc_1/identity") == "11010519491231002X")
        // Moved to another row, or altered: refused.
        #expect(throws: SigilError.self) { try vault.open(sealed, context: "accounts/acc_2/identity") }
        var altered = sealed
        altered[altered.count / 2] ^= 1
        #expect(throws: SigilError.self) { try vault.open(altered, context: "accounts/acc_1/identity") }
        let other = try PersonalDataVault(masterKey: Array(repeating: 8, count: 32))
        #expect(throws: SigilError.self) { try other.open(sealed, context: "accounts/acc_1/identity") }
        #expect(vault.lookup("x", domain: "identity") == vault.lookup("x", domain: "identity"))
        #expect(vault.lookup("x", domain: "identity") != other.lookup("x", domain: "identity"))
        #expect(vault.lookup("x", domain: "identity") != vault.lookup("x", domain: "phone"))
        #expect(throws: SigilError.self) { try PersonalDataVault(masterKey: [1, 2, 3]) }
    }
}
