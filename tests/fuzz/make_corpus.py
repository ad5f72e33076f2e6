#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the seed corpora of tests/fuzz/corpus/ from formats/vectors/ and the test fixtures'
# shapes. Run from the repository root; the output is committed, so CI never runs this.
import os, pathlib, struct

root = pathlib.Path(__file__).resolve().parents[2]
vectors = root / "formats/vectors"
out = root / "tests/fuzz/corpus"

def write(target, name, data):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())

def body(path):
    text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    return text[: text.rfind(b"[signature]\n")]

licenses = ["001-ok-unbound-minimal", "002-ok-golden-unbound", "004-ok-bound-full", "008-ok-bom", "009-ok-crlf",
            "074-version-int64-max"]
# The lifecycle fields (FORMAT.md 3.4): a successor, a minimum revocation list, both.
successors = ["600-ok-supersedes", "603-ok-min-revocation-sequence", "605-ok-supersedes-and-min"]
for name in licenses:
    write("license_raw", name, (vectors / "licenses" / f"{name}.toml").read_bytes())
for i, name in enumerate(licenses[:4]):
    write("license_differential", name, body(vectors / "licenses" / f"{name}.toml"))
    # [now selector] [grace selector] [flags]: 5 = 2026-01-01, then varied options.
    write("license_signed", name, bytes([5, i, [0, 32, 37, 63][i]]) + body(vectors / "licenses" / f"{name}.toml"))

for i, name in enumerate(successors):
    write("license_raw", name, (vectors / "licenses" / f"{name}.toml").read_bytes())
    write("license_differential", name, body(vectors / "licenses" / f"{name}.toml"))
    write("license_signed", name, bytes([5, i, 0]) + body(vectors / "licenses" / f"{name}.toml"))

for name in ["001-req-ok-typical", "002-req-ok-all-classes", "003-req-ok-empty-machine", "012-req-ok-crlf",
             "115-req-ok-replaces", "116-req-ok-replaces-all-classes"]:
    write("request_reader", name, (vectors / "requests" / f"{name}.toml").read_bytes())

pub = (vectors / "test_vendor_key.pub").read_bytes()
write("decoders", "pem", b"\x00" + pub)
write("decoders", "base64", b"\x01" + pub.split(b"\n")[1])
write("decoders", "hex", b"\x02" + b"55946e28fb11b7ee")
write("decoders", "utf8", b"\x03" + "Müller & Söhne ☃ \U0001F600".encode())

for name in ["001-rl-ok-minimal", "003-rl-ok-example", "060-rl-bad-signature-no-prefix"]:
    write("revocations", name, (vectors / "revocations" / f"{name}.toml").read_bytes())
for path in sorted((vectors / "licenses").glob("*extension*.toml"))[:3]:
    write("license_raw", path.stem, path.read_bytes())

write("clock_state", "raw-v2", b"\x00airlock-clock-v2 978eab5cffea896aea8336f008e55f33 1767225600 3 " + b"0" * 64 + b"\n")
write("clock_state", "mac-valid-v2", b"\x031767225600 4\n")
write("clock_state", "raw", b"\x00airlock-clock-v1 978eab5cffea896aea8336f008e55f33 1767225600 " + b"0" * 64 + b"\n")
write("clock_state", "mac-valid", b"\x011767225600\n")
write("clock_state", "mac-suffix", b"\x0142\nx\n")

def entry(where, name, data, link=False):
    data = data.encode()
    return bytes([where | (0x80 if link else 0), name]) + struct.pack(">H", len(data)) + data

# directories/names indices: see tests/fuzz/collectors.cpp
write("collectors", "machine-id", entry(14, 14, "0123456789abcdef0123456789abcdef\n"))
write("collectors", "disk-nic",
      entry(0, 1, "S3Z9NB0K123456\n") + entry(0, 5, "0\n") + entry(4, 9, "52:54:00:12:34:56\n") +
      entry(4, 10, "0\n") + entry(4, 11, "1\n") + entry(6, 15, "4c4c4544-0031-3510-8052-b4c04f4d3732\n"))
write("collectors", "proc",
      entry(11, 19, "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n") + entry(11, 20, "0::/\n") +
      entry(12, 22, "6.1.0-18-amd64\n") + entry(11, 21, "         0          0 4294967295\n"))
write("collectors", "cpuinfo", entry(16, 18, "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2\n"))
write("collectors", "symlinks", entry(0, 12, "../../devices/pci0000:00/0000:00:1f.2", True) + entry(8, 26, "../block/sda", True))

write("orders_csv", "typical", "licensee,product,id,expires,features,limits,request,unbound,file\n"
      "ACME,acme-studio,order-1,2026-12-31,render;export.pdf,seats=5,,yes,acme.toml\n")
write("orders_csv", "quoted", 'licensee,unbound,id,file,meta\n"Müller, ""Söhne""",yes,x,a.toml,"order=SO-1\nnote=2"\n')
write("orders_csv", "crlf-blank", "licensee,file,unbound\r\nA,a.toml,yes\r\n\r\nB,b.toml,yes\r\n")
write("orders_csv", "bad-header", "licensee,colour\nACME,red\n")
