@_exported import SigilContainers
@_exported import SigilCore
@_exported import SigilImaging
@_exported import SigilKeys
@_exported import SigilLedger
@_exported import SigilProvenance
@_exported import SigilStore
@_exported import SigilWatermark
