@_exported import SigilCore
