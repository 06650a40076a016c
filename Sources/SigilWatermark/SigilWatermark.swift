@_exported import SigilCore

