@_exported import SigilCore
@_exported import SigilContainers
@_exported import SigilImaging
@_exported import SigilKeys
@_exported import SigilProvenance
@_exported import SigilWatermark
