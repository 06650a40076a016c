@_exported import SigilCore
@_exported import SigilWatermarkCore
