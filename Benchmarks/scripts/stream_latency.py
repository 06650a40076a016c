#!/usr/bin/env python3
"""Latency and throughput of POST /v1/label/stream beside POST /v1/label on the same audio (issue 16, decision 0026).

A TTS service is simulated by sending 16-bit PCM in 100 ms chunks, paced in real time (`--pace 1`) or as fast as the
socket takes them (`--pace 0`). For the stream route the script measures, from the moment the request starts:
  - first_byte_ms: the first byte of the answer;
  - label_ms: the streamed WAV header plus the whole opening label (what the listener must hear first);
  - tail_ms: from the last chunk sent to the answer's end (closing label, record, trailers).
The anchor is what a provider does without a stream route: wait for the whole clip, then POST /v1/label (the same
marks a stream gets: implicit + explicit) and play the answer; its first_byte_ms counts the wait for the clip.
Prints one JSON object (all runs, medians).

    python3 Benchmarks/scripts/stream_latency.py --address 127.0.0.1:PORT --token sgk_... --pcm clip.s16 \
        --rate 24000 --runs 5 [--pace 1]
"""

import argparse
import json
import socket
import statistics
import time


def read_head(sock, buf):
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise SystemExit("connection closed before the answer's head")
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
    return status, headers, rest


class ChunkedReader:
    """Decodes a chunked body as bytes arrive; `body` grows, `done` at the last chunk and trailers."""

    def __init__(self, rest):
        self.buf = rest
        self.body = bytearray()
        self.done = False
        self.trailers = {}

    def feed(self, data):
        self.buf += data
        while not self.done:
            end = self.buf.find(b"\r\n")
            if end < 0:
                return
            size = int(self.buf[:end].split(b";")[0], 16)
            if size == 0:
                tail = self.buf[end + 2 :]
                stop = tail.find(b"\r\n\r\n") if not tail.startswith(b"\r\n") else 0
                if stop < 0:
                    return
                for line in tail[:stop].decode("latin-1").split("\r\n"):
                    if ":" in line:
                        k, v = line.split(":", 1)
                        self.trailers[k.strip().lower()] = v.strip()
                self.done = True
                return
            if len(self.buf) < end + 2 + size + 2:
                return
            self.body += self.buf[end + 2 : end + 2 + size]
            self.buf = self.buf[end + 2 + size + 2 :]


def wav_header_length(body):
    """Offset of the first sample of a WAV in `body`, or None while the data chunk header has not arrived."""
    i = 12
    while i + 8 <= len(body):
        fourcc = bytes(body[i : i + 4])
        size = int.from_bytes(body[i + 4 : i + 8], "little")
        if fourcc == b"data":
            return i + 8
        i += 8 + size + (size & 1)
    return None


def stream_run(address, token, pcm, rate, pace, label_bytes):
    host, port = address.split(":")
    chunk = rate * 2 // 10  # 100 ms of 16-bit mono
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    start = time.perf_counter()
    sock.sendall(
        (
            f"POST /v1/label/stream?position=both HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: audio/L16;rate={rate};channels=1\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
    )
    sock.setblocking(False)
    buf = b""
    reader = None
    first_byte = label_at = None
    sent_all_at = None
    offset = 0
    be = bytearray(pcm)
    be[0::2], be[1::2] = pcm[1::2], pcm[0::2]  # little-endian file -> L16 (big-endian)
    next_send = start
    while True:
        now = time.perf_counter()
        if offset < len(be) and now >= next_send:
            piece = bytes(be[offset : offset + chunk])
            sock.setblocking(True)
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            offset += len(piece)
            if offset >= len(be):
                sock.sendall(b"0\r\n\r\n")
                sent_all_at = time.perf_counter()
            sock.setblocking(False)
            next_send += 0.1 * pace
        try:
            data = sock.recv(1 << 20)
            if not data:
                raise SystemExit("the server closed the connection")
        except BlockingIOError:
            data = b""
            time.sleep(0.0005)
        if data:
            if first_byte is None:
                first_byte = time.perf_counter()
            if reader is None:
                buf += data
                if b"\r\n\r\n" in buf:
                    head, rest = buf.split(b"\r\n\r\n", 1)
                    status = int(head.split(b" ")[1])
                    if status != 200:
                        raise SystemExit(f"stream answered {status}: {rest[:300]!r}")
                    reader = ChunkedReader(rest)
                    reader.feed(b"")
            else:
                reader.feed(data)
            if reader is not None and label_at is None:
                header = wav_header_length(reader.body)
                if header is not None and len(reader.body) >= header + label_bytes:
                    label_at = time.perf_counter()
            if reader is not None and reader.done:
                end = time.perf_counter()
                break
    sock.close()
    return {
        "first_byte_ms": (first_byte - start) * 1000,
        "label_ms": (label_at - start) * 1000,
        "tail_ms": (end - sent_all_at) * 1000,
        "total_ms": (end - start) * 1000,
        "answer_bytes": len(reader.body),
        "log_index": reader.trailers.get("sigil-log-index"),
    }


def file_run(address, token, wav, clip_seconds, pace):
    host, port = address.split(":")
    start = time.perf_counter()
    time.sleep(clip_seconds * pace)  # the whole clip must exist before it can be sent
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(
        (
            f"POST /v1/label?marks=implicit,explicit HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: audio/wav\r\nContent-Length: {len(wav)}\r\n\r\n"
        ).encode()
        + wav
    )
    status, headers, rest = read_head(sock, b"")
    first_byte = time.perf_counter()
    length = int(headers.get("content-length", "0"))
    body = bytearray(rest)
    while len(body) < length:
        data = sock.recv(1 << 20)
        if not data:
            break
        body += data
    end = time.perf_counter()
    sock.close()
    if status != 200:
        raise SystemExit(f"/v1/label answered {status}: {bytes(body[:300])!r}")
    return {"first_byte_ms": (first_byte - start) * 1000, "total_ms": (end - start) * 1000, "answer_bytes": len(body)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--pcm", required=True, help="16-bit little-endian mono PCM")
    parser.add_argument("--rate", type=int, default=24000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pace", type=float, default=1.0, help="1 = real time, 0 = as fast as possible")
    args = parser.parse_args()
    pcm = open(args.pcm, "rb").read()
    if len(pcm) % 2:
        pcm = pcm[:-1]
    clip = len(pcm) / 2 / args.rate
    # The opening label: 200 ms + 11 units of 120 ms + 200 ms at the stream's rate, 2 bytes a frame.
    label_bytes = round(1.72 * args.rate) * 2 - 2 * round(0.005 * args.rate)
    wav = (
        b"RIFF" + (36 + len(pcm)).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
        + (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + args.rate.to_bytes(4, "little")
        + (args.rate * 2).to_bytes(4, "little") + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
        + b"data" + len(pcm).to_bytes(4, "little") + pcm
    )
    streams = [stream_run(args.address, args.token, pcm, args.rate, args.pace, label_bytes) for _ in range(args.runs)]
    files = [file_run(args.address, args.token, wav, clip, args.pace) for _ in range(args.runs)]

    def median(rows, key):
        return round(statistics.median(r[key] for r in rows), 1)

    print(
        json.dumps(
            {
                "clip_seconds": round(clip, 3),
                "rate": args.rate,
                "pace": args.pace,
                "runs": args.runs,
                "stream": {k: median(streams, k) for k in ("first_byte_ms", "label_ms", "tail_ms", "total_ms")},
                "file_route": {k: median(files, k) for k in ("first_byte_ms", "total_ms")},
                "stream_runs": streams,
                "file_runs": files,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
