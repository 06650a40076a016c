@_exported import SigilStore
