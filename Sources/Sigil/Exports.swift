@_exported import SigilCore
@_exported import SigilContainers
@_exported import SigilImaging
