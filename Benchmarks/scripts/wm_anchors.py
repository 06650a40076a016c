#!/usr/bin/env python3
# Anchor watermarkers for wmbench (invisible-watermark dwtDct / dwtDctSvd, blind-watermark), 64-bit payloads.
import sys, cv2
method, op = sys.argv[1], sys.argv[2]
if method in ("dwtDct", "dwtDctSvd"):
    from imwatermark import WatermarkEncoder, WatermarkDecoder
    if op == "embed":
        src, dst, pay = sys.argv[3:6]
        bits = [int(b) for b in format(int(pay, 16), "064b")]
        enc = WatermarkEncoder(); enc.set_watermark("bits", bits)
        cv2.imwrite(dst, enc.encode(cv2.imread(src), method))
    else:
        dec = WatermarkDecoder("bits", 64)
        bits = dec.decode(cv2.imread(sys.argv[3]), method)
        print(format(int("".join(str(int(b)) for b in bits), 2), "016x"))
