#!/usr/bin/env python3
# SPDX-License-Identifier: CC0-1.0
"""Writes component_hashes.toml: canonical values and component hashes of FORMAT.md section 4.

This is a second implementation of the canonical-value rules, written from the text of
FORMAT.md section 4 with the Python standard library only (hashlib, hmac). It does not call
or read Airlock's C++ code. Run it from any directory:

    python3 formats/vectors/make_hash_vectors.py            # rewrites component_hashes.toml
    python3 formats/vectors/make_hash_vectors.py --check    # exit 1 if the file is stale
"""

import hashlib
import hmac
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
OUTPUT = HERE / "component_hashes.toml"

SALT_LABEL = b"airlock-hwid-salt-v1"
CLASSES = ("platform", "disk", "nic", "os", "board")

# (key_id, product) pairs every kept value is hashed with (4.1).
PAIRS = (
    ("55946e28fb11b7ee", "acme-studio"),
    ("0123456789abcdef", "Müller-CAD"),
    ("55946e28fb11b7ee", "Müller-CAD"),
    ("fedcba9876543210", "Édition ☃ 2025"),
)

# ---------------------------------------------------------------- 4.1 the hash


def product_salt(key_id, product):
  return hashlib.sha256(SALT_LABEL + b"\n" + key_id.encode("ascii") + b"\n" + product.encode("utf-8")).digest()


def component_hash(key_id, product, class_name, canonical_value):
  message = class_name.encode("ascii") + b"\n" + canonical_value.encode("ascii")
  return hmac.new(product_salt(key_id, product), message, hashlib.sha256).hexdigest()[:32]


# ---------------------------------------------------------------- 4.3 cleaning and placeholders

BLANK = frozenset(b" \t\n\v\f\r\x00")  # 0x20, 0x09-0x0D, 0x00


def clean(raw):
  """clean(raw) of 4.3: bytes -> str, or None when it fails."""
  begin, end = 0, len(raw)
  while begin < end and raw[begin] in BLANK:
    begin += 1
  while end > begin and raw[end - 1] in BLANK:
    end -= 1
  rest = raw[begin:end]
  for b in rest:
    if b == 0x00 or 0x01 <= b <= 0x08 or 0x0E <= b <= 0x1F or b >= 0x7F:
      return None
  words, word = [], bytearray()
  for b in rest:
    if b in BLANK:
      if word:
        words.append(bytes(word))
        word = bytearray()
    else:
      word.append(b)
  if word:
    words.append(bytes(word))
  out = b" ".join(words)
  if len(out) > 256:
    return None
  return out.decode("ascii")


def ascii_lower(text):
  return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def ascii_upper(text):
  return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in text)


KNOWN_FILLER = (
    "to be filled by o.e.m.", "to be filled by o.e.m", "default string", "not specified",
    "not applicable", "not available", "none", "n/a", "na", "unknown", "invalid", "empty", "oem",
    "o.e.m.", "system serial number", "chassis serial number", "base board serial number",
    "serial number", "system product name", "0123456789", "123456789", "1234567890",
    "123456789abcdef", "03000200-0400-0500-0006-000700080009",
)
assert len(KNOWN_FILLER) == 24


def is_placeholder(v):
  rest = [c for c in ascii_lower(v) if c not in "-: ."]
  if all(c == rest[0] for c in rest):  # also true for an empty rest
    return True
  if len(v) == 7 and ascii_lower(v[:6]) == "qm0000" and "0" <= v[6] <= "9":
    return True
  return ascii_lower(v) in KNOWN_FILLER


def serial(raw):
  v = clean(raw)
  return None if v is None or is_placeholder(v) else ascii_upper(v)


def uuid(raw):
  v = clean(raw)
  return None if v is None or is_placeholder(v) else ascii_lower(v)


# ---------------------------------------------------------------- 4.4 platform


def register_text(*registers):
  return b"".join(r.to_bytes(4, "little") for r in registers)


def platform_cpuid(leaves):
  """leaves: {leaf: (eax, ebx, ecx, edx)}; CPUID is in use, so leaf 0 is there with EAX >= 1."""
  eax0, ebx0, ecx0, edx0 = leaves[0]
  assert eax0 >= 1, "4.4: with EAX of leaf 0 below 1 the platform comes from /proc/cpuinfo"
  vendor = clean(register_text(ebx0, edx0, ecx0)) or "unknown"
  s = leaves[1][0] & 0x0FFF3FFF
  base_family, base_model = (s >> 8) & 0xF, (s >> 4) & 0xF
  ext_model, ext_family = (s >> 16) & 0xF, (s >> 20) & 0xFF
  family = base_family + ext_family if base_family == 15 else base_family
  model = base_model + 16 * ext_model if base_family in (6, 15) else base_model
  stepping = s & 0xF
  brand = ""
  if 0x80000000 in leaves and leaves[0x80000000][0] >= 0x80000004:
    brand = clean(b"".join(register_text(*leaves[leaf]) for leaf in (0x80000002, 0x80000003, 0x80000004))) or ""
  value = f"cpuid {vendor} family {family} model {model} stepping {stepping}"
  return value + f" brand {brand}" if brand else value


CPUINFO_KEYS = ("vendor_id", "cpu family", "model", "model name", "stepping", "CPU implementer", "CPU architecture",
                "CPU variant", "CPU part", "CPU revision", "Hardware", "cpu", "uarch", "marchid")


def platform_cpuinfo(content):
  content = content[:65536]
  lines = content.split(b"\n")
  pairs = []
  for key in CPUINFO_KEYS:
    for line in lines:
      colon = line.find(b":")
      if colon < 0 or clean(line[:colon]) != key:
        continue
      value = clean(line[colon + 1:])
      if value:
        pairs.append(f"{key}={value}")
      break  # only the first line named `key` counts
  return "cpuinfo " + ";".join(pairs) if pairs else None


# ---------------------------------------------------------------- 4.5 disk (serial of a disk)

HEX_DIGITS = "0123456789abcdefABCDEF"


def numbered(low, prefix):
  rest = low[len(prefix):]
  return low.startswith(prefix) and rest != "" and all("0" <= c <= "9" for c in rest)


def gce_default(v):
  low = ascii_lower(v)
  return low.startswith("nvme_card") or numbered(low, "persistent-disk-") or numbered(low, "local-ssd-")


def wwid_serial_bytes(v):
  """The bytes S spells in nvme.VVVV-S-M-NNNNNNNN, or None when v has another form."""
  if ascii_lower(v[:5]) != "nvme.":
    return None
  parts = v[5:].split("-")
  if len(parts) != 4 or len(parts[0]) != 4 or len(parts[3]) != 8 or len(parts[1]) % 2 or len(parts[2]) % 2:
    return None
  if any(c not in HEX_DIGITS for part in parts for c in part):
    return None
  return bytes.fromhex(parts[1])


def disk_serial(raw):
  v = serial(raw)
  if v is None or gce_default(v):
    return None
  spelled = wwid_serial_bytes(v)
  if spelled is not None:
    inner = serial(spelled)
    if inner is None or gce_default(inner):
      return None
  return v


def vpd_pg80_serial(content):
  if len(content) < 4 or content[1] != 0x80:
    return None
  length = content[2] * 256 + content[3]
  return disk_serial(content[4:4 + length])


# ---------------------------------------------------------------- 4.6 nic


def mac_value(mac_bytes):
  if len(mac_bytes) != 6 or mac_bytes[0] & 0x01 or not any(mac_bytes):
    return None
  return ":".join(f"{b:02x}" for b in mac_bytes)


def mac_text(content):
  v = clean(content)
  if v is None or len(v) != 17:
    return None
  for i in range(0, 17, 3):
    if v[i] not in HEX_DIGITS or v[i + 1] not in HEX_DIGITS or (i + 2 < 17 and v[i + 2] != ":"):
      return None
  return mac_value(bytes(int(v[i:i + 2], 16) for i in range(0, 17, 3)))


# ---------------------------------------------------------------- 4.7 os, 4.8 board


def machine_id(content):
  text = content
  while text and text[-1:] in (b"\n", b" "):
    text = text[:-1]
  if len(text) != 32 or any(b not in b"0123456789abcdef" for b in text) or set(text) == {ord("0")}:
    return None
  return text.decode("ascii")


def asset_tag(content):
  v = clean(content)
  if v is None or len(v) not in (10, 19) or not v.startswith("i-"):
    return None
  return v if all(c in "0123456789abcdef" for c in v[2:]) else None


# ---------------------------------------------------------------- the cases

# input kind -> the rule of section 4 that turns the raw input into a value (or None)
KINDS = {
    "cpuid": platform_cpuid,
    "cpuinfo": platform_cpuinfo,
    "serial": serial,
    "uuid": uuid,
    "vpd_pg80": vpd_pg80_serial,
    "mac_bytes": mac_value,
    "mac_text": mac_text,
    "machine_id": machine_id,
    "asset_tag": asset_tag,
}
TEXT_KINDS = ("cpuinfo", "serial", "uuid", "mac_text", "machine_id", "asset_tag")
HEX_KINDS = ("vpd_pg80", "mac_bytes")


def regs(text):
  """The four registers that spell `text` (at most 16 bytes, NUL padded) in EAX, EBX, ECX, EDX order."""
  raw = text.encode("latin-1").ljust(16, b"\x00")
  return tuple(int.from_bytes(raw[i:i + 4], "little") for i in range(0, 16, 4))


def vendor_leaf(max_leaf, vendor):
  raw = vendor.encode("latin-1").ljust(12, b"\x00")
  ebx, edx, ecx = (int.from_bytes(raw[i:i + 4], "little") for i in range(0, 12, 4))
  return (max_leaf, ebx, ecx, edx)


def brand_leaves(brand):
  raw = brand.encode("latin-1").ljust(48, b"\x00")
  assert len(raw) == 48
  return {0x80000002 + i: regs(raw[16 * i:16 * i + 16].decode("latin-1")) for i in range(3)}


def cpu(vendor, signature, brand=None, max_ext=0x80000008, leaf1_rest=(0x00100800, 0x7FFAFBFF, 0xBFEBFBFF),
        max_basic=0x16):
  leaves = {0: vendor_leaf(max_basic, vendor), 1: (signature,) + leaf1_rest}
  if max_ext is not None:
    leaves[0x80000000] = (max_ext, 0, 0, 0)
  if brand is not None:
    leaves.update(brand_leaves(brand))
  return leaves


CASES = []


def case(name, cls, kind, raw, note):
  CASES.append({"name": name, "class": cls, "input": kind, "raw": raw, "note": note})


# platform: CPUID registers
case("platform-cpuid-intel-coffee-lake", "platform", "cpuid",
     cpu("GenuineIntel", 0x000906EA, "Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz"),
     "family 6 adds the extended model: 0x9e = 158; brand padded with NULs")
case("platform-cpuid-intel-masked-bits", "platform", "cpuid",
     cpu("GenuineIntel", 0xF009F6EA, "Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz",
         leaf1_rest=(0x0A100800, 0xFFFAFBFF, 0xBFEBFBFF)),
     "same CPU with bits 12-15 and 28-31 of leaf 1 EAX set and another APIC ID in EBX: same value")
case("platform-cpuid-amd-zen3", "platform", "cpuid",
     cpu("AuthenticAMD", 0x00A20F10, "AMD Ryzen 9 5950X 16-Core Processor            ", max_ext=0x80000020),
     "family 15 + extended family 10 = 25, model 0x21 = 33; trailing spaces of the brand removed")
case("platform-cpuid-amd-zen5", "platform", "cpuid",
     cpu("AuthenticAMD", 0x00B40F40, "AMD EPYC 9575F 64-Core Processor", max_ext=0x80000028),
     "family 15 + 11 = 26, model 0x44 = 68")
case("platform-cpuid-amd-k8", "platform", "cpuid",
     cpu("AuthenticAMD", 0x00020FB1, "AMD Athlon(tm) 64 Processor 3200+", max_ext=0x80000018, max_basic=1),
     "family 15, extended family 0: 15; model 0x2b = 43")
case("platform-cpuid-intel-netburst-right-justified-brand", "platform", "cpuid",
     cpu("GenuineIntel", 0x00000F41, "              Intel(R) Xeon(TM) CPU 3.00GHz", max_basic=5),
     "family 15, no extended bits; the leading spaces of the brand are removed")
case("platform-cpuid-extended-family-ignored", "platform", "cpuid",
     cpu("GenuineIntel", 0x0FF306A5, None, max_ext=0x80000001),
     "base family 6: extended family bits ignored, extended model 3 added (0x3a = 58); no brand leaves")
case("platform-cpuid-extended-model-ignored", "platform", "cpuid",
     cpu("GenuineIntel", 0x000F0543, None, max_ext=None, max_basic=1),
     "base family 5: the extended model is not added; leaf 0x80000000 not available: no brand")
case("platform-cpuid-zhaoxin-family-7", "platform", "cpuid",
     cpu("  Shanghai  ", 0x000107B0, "ZHAOXIN KaiXian KX-U6780A@2.7GHz"),
     "vendor spaces trimmed; base family 7: the extended model is not added (model 11, not 27)")
case("platform-cpuid-brand-leaves-below-limit", "platform", "cpuid",
     cpu("GenuineIntel", 0x000906EA, "Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", max_ext=0x80000003),
     "EAX of 0x80000000 is below 0x80000004: the brand leaves are not read")
case("platform-cpuid-no-extended-range", "platform", "cpuid",
     cpu("GenuineIntel", 0x000906EA, None, max_ext=0x00000016),
     "leaf 0x80000000 answers with a basic-leaf value (below 0x80000004): no brand")
case("platform-cpuid-vendor-empty", "platform", "cpuid",
     cpu("", 0x00800F12, "Virtual CPU"),
     "vendor registers all zero: 'unknown'")
case("platform-cpuid-vendor-non-ascii", "platform", "cpuid",
     cpu("Vendor\xe9Inc.", 0x00800F12, None, max_ext=0x80000000),
     "a vendor byte 0xe9 fails clean: 'unknown'")
case("platform-cpuid-brand-inner-nul", "platform", "cpuid",
     cpu("AuthenticAMD", 0x00A00F11, "AMD EPYC\x007B13 64-Core Processor"),
     "a NUL inside the brand fails clean: no brand part")
case("platform-cpuid-brand-non-ascii", "platform", "cpuid",
     cpu("GenuineIntel", 0x000A0655, "Intel\xae Core\x99 i5-10500"),
     "bytes 0xae and 0x99 fail clean: no brand part")
case("platform-cpuid-brand-inner-spaces", "platform", "cpuid",
     cpu("GenuineIntel", 0x000806C1, "11th Gen Intel(R)  Core(TM)\ti7-1165G7 @ 2.80GHz"),
     "runs of blanks in the brand become one space")
case("platform-cpuid-hygon-in-vm", "platform", "cpuid",
     cpu("HygonGenuine", 0x00900F01, "Hygon C86 3185  8-core Processor",
         leaf1_rest=(0x00000800, 0xFED83203, 0x178BFBFF)),
     "family 15 + 9 = 24; the hypervisor bit (leaf 1 ECX bit 31) is set and is not part of the value")

# platform: /proc/cpuinfo text
case("platform-cpuinfo-arm64-cortex-a72", "platform", "cpuinfo",
     b"processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\n"
     b"CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n"
     b"processor\t: 1\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\n"
     b"CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n"
     b"Hardware\t: BCM2835\nRevision\t: c03111\nSerial\t\t: 10000000abcdef01\nModel\t\t: Raspberry Pi 4 Model B Rev 1.1\n",
     "Raspberry Pi 4, 64-bit kernel: 'Model' is not 'model', Serial and Revision are not used")
case("platform-cpuinfo-arm32-cortex-a53", "platform", "cpuinfo",
     b"processor\t: 0\nmodel name\t: ARMv7 Processor rev 4 (v7l)\nBogoMIPS\t: 38.40\n"
     b"Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32 \n"
     b"CPU implementer\t: 0x41\nCPU architecture: 7\nCPU variant\t: 0x0\nCPU part\t: 0xd03\nCPU revision\t: 4\n\n"
     b"Hardware\t: BCM2835\nRevision\t: a02082\nSerial\t\t: 00000000b1c2d3e4\n",
     "Raspberry Pi 3, 32-bit kernel")
case("platform-cpuinfo-power9", "platform", "cpuinfo",
     b"processor\t: 0\ncpu\t\t: POWER9 (architected), altivec supported\nclock\t\t: 2200.000000MHz\n"
     b"revision\t: 2.2 (pvr 004e 1202)\n\ntimebase\t: 512000000\nplatform\t: pSeries\n"
     b"model\t\t: IBM pSeries (emulated by qemu)\nmachine\t\t: CHRP IBM pSeries (emulated by qemu)\nMMU\t\t: Radix\n",
     "keys in list order (model before cpu); the ',' and ':' inside values stay")
case("platform-cpuinfo-riscv", "platform", "cpuinfo",
     b"processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc\nmmu\t\t: sv39\nuarch\t\t: sifive,u74-mc\n"
     b"mvendorid\t: 0x489\nmarchid\t\t: 0x8000000000000007\nmimpid\t\t: 0x4210427\n",
     "RISC-V: uarch and marchid")
case("platform-cpuinfo-x86-without-cpuid", "platform", "cpuinfo",
     b"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 158\n"
     b"model name\t: Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz\nstepping\t: 10\nmicrocode\t: 0xde\n"
     b"cpu MHz\t\t: 3700.000\ncache size\t: 12288 KB\n",
     "x86 text form; 'model' and 'model name' are different keys; microcode and cpu MHz are not used")
case("platform-cpuinfo-crlf-and-padding", "platform", "cpuinfo",
     b"CPU  implementer \t:   0x41  \r\nCPU part\t:\t0xd0c\r\nCPU revision : 1",
     "names and values are cleaned (CR, tabs, double spaces); the last line has no LF")
case("platform-cpuinfo-first-line-wins", "platform", "cpuinfo",
     b"model name\t:\nmodel name\t: Second processor\nCPU part\t: 0xd03\nCPU part\t: 0xd08\n",
     "the first 'model name' line is empty, so the key is left out; the first 'CPU part' wins")
case("platform-cpuinfo-non-ascii-value", "platform", "cpuinfo",
     "model name\t: Cortex\u2011A53 \u00fc\nCPU part\t: 0xd03\n".encode("utf-8"),
     "a non-ASCII value fails clean: that key is left out")
case("platform-cpuinfo-no-identity", "platform", "cpuinfo",
     b"processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n",
     "no key of the list: no value")


def pg80(text):
  """A VPD page 0x80 file whose serial field is `text`."""
  return b"\x00\x80" + len(text).to_bytes(2, "big") + text


CARD_PD = b"nvme_card-pd".hex().encode()  # hex as the kernel spells it in an NVMe wwid
EBS_SERIAL, EBS_MODEL = b"vol0123456789abcdef0".hex().encode(), b"Amazon Elastic Block Store".hex().encode()


# disk: serials of a whole disk
case("disk-nvme-serial-space-padded", "disk", "serial", b"S4EWNX0R123456      \n",
     "device/serial of an NVMe controller (a 20-byte field, space padded)")
case("disk-virtio-serial-lowercase", "disk", "serial", b"1816a2b7c9d04e11\n", "virtio-blk serial, upper-cased")
case("disk-nvme-wwid", "disk", "serial", b"eui.0025388b91b2c3d4\n", "wwid of an NVMe namespace")
case("disk-scsi-wwid-naa", "disk", "serial", b"naa.5000c500a1b2c3d4\n", "device/wwid of a SAS disk")
case("disk-sata-wwid-t10-collapsed", "disk", "serial",
     b"t10.ATA     Samsung SSD 860 EVO 500GB               S3Z1NB0K123456X     \n",
     "runs of spaces become one")
case("disk-serial-tab-cr", "disk", "serial", b"\t WD-WCC4N1234567 \r\n", "leading tab, trailing CR LF")
case("disk-serial-trailing-nuls", "disk", "serial", b"ABC123\x00\x00", "NULs at the end are blanks")
case("disk-serial-256-bytes", "disk", "serial", b"0123456789ABCDEF" * 16 + b" " * 40 + b"\n",
     "256 bytes after cleaning: kept")
case("disk-serial-qemu-default", "disk", "serial", b"QM00001\n", "QEMU's default serial: dropped")
case("disk-serial-qemu-zero-lowercase", "disk", "serial", b"qm00000", "QM0000 and any digit, any case: dropped")
case("disk-serial-qemu-eight-bytes", "disk", "serial", b"QM000012", "8 bytes: not the QEMU rule: kept")
case("disk-serial-all-spaces", "disk", "serial", b"                    \n", "empty after cleaning: dropped")
case("disk-serial-all-zero", "disk", "serial", b"0000000000000000\n", "repeated character: dropped")
case("disk-serial-separators-only", "disk", "serial", b"--..::  --\n", "only separators: dropped")
case("disk-serial-one-character", "disk", "serial", b"7\n", "one character: dropped")
case("disk-serial-repeated-mixed-case", "disk", "serial", b"xXxX-XxXx", "same letter in both cases: dropped")
case("disk-serial-oem-filler", "disk", "serial", b"To Be Filled By O.E.M.\n", "known filler, any case: dropped")
case("disk-serial-default-string-spaced", "disk", "serial", b"  Default   string \n",
     "known filler after cleaning: dropped")
case("disk-serial-filler-with-extra-dot", "disk", "serial", b"To be filled by O.E.M..\n",
     "not exactly a filler text: kept")
case("disk-serial-inner-nul", "disk", "serial", b"ABC\x00DEF\n", "a NUL inside: dropped")
case("disk-serial-control-byte", "disk", "serial", b"ABC\x01DEF\n", "a control byte: dropped")
case("disk-serial-del", "disk", "serial", b"ABC\x7fDEF\n", "DEL: dropped")
case("disk-serial-non-ascii", "disk", "serial", "S\u00fcper123\n".encode("utf-8"), "non-ASCII: dropped")
case("disk-serial-c1-control", "disk", "serial", "ABC\u0085DEF\n".encode("utf-8"), "a C1 control: dropped")
case("disk-serial-257-bytes", "disk", "serial", b"0123456789ABCDEF" * 16 + b"X\n", "257 bytes: dropped")
case("disk-vpd-pg80", "disk", "vpd_pg80", b"\x00\x80\x00\x14" + b"      ZA1B2C3D4E5F6G",
     "SCSI VPD page 0x80: 4-byte header, 20 bytes of space-padded serial")
case("disk-vpd-pg80-length-shorter-than-data", "disk", "vpd_pg80", b"\x00\x80\x00\x04ABCDEFGH",
     "only the page length L = 4 bytes are used")
case("disk-vpd-pg80-length-past-end", "disk", "vpd_pg80", b"\x00\x80\x00\x40  WD-WX11A1234567\x00\x00",
     "L = 64 but fewer bytes follow: the bytes there are used")
case("disk-vpd-pg80-byte0-ignored", "disk", "vpd_pg80", b"\x7f\x80\x00\x0aSERIAL0042",
     "byte 0 is not looked at")
case("disk-vpd-wrong-page", "disk", "vpd_pg80", b"\x00\x83\x00\x08naa.5000", "byte 1 is not 0x80: no value")
case("disk-vpd-too-short", "disk", "vpd_pg80", b"\x00\x80\x00", "fewer than 4 bytes: no value")
case("disk-vpd-non-ascii-payload", "disk", "vpd_pg80", b"\x00\x80\x00\x08ABCD\xffEFG", "byte 0xff: no value")

# disk: serials a cloud gives every VM alike, and kernel wwids made from serials (4.5)
case("disk-vpd-pg80-gce-persistent-disk", "disk", "vpd_pg80", pg80(b"persistent-disk-0"),
     "GCE's default device name, the unit serial of its SCSI disks: dropped")
case("disk-vpd-pg80-gce-persistent-disk-upper", "disk", "vpd_pg80", pg80(b"PERSISTENT-DISK-12"),
     "the GCE names are compared without case: dropped")
case("disk-vpd-pg80-gce-local-ssd", "disk", "vpd_pg80", pg80(b"local-ssd-3"), "GCE's local SSD name: dropped")
case("disk-vpd-pg80-gce-named-by-user", "disk", "vpd_pg80", pg80(b"persistent-disk-data"),
     "a device name the user chose: kept")
case("disk-vpd-pg80-gce-no-number", "disk", "vpd_pg80", pg80(b"local-ssd-"), "no digit after the prefix: kept")
case("disk-vpd-pg80-gce-number-then-letter", "disk", "vpd_pg80", pg80(b"persistent-disk-0a"),
     "something after the digits: kept")
case("disk-vpd-pg80-gce-nvme-card-pd", "disk", "vpd_pg80", pg80(b"nvme_card-pd        "),
     "GCE's NVMe persistent-disk controller serial (the disk rule holds for every attribute of 4.5): dropped")
case("disk-vpd-pg80-gce-nvme-card-local-ssd", "disk", "vpd_pg80", pg80(b"nvme_card0"),
     "GCE's NVMe local SSD controller serials start with nvme_card: dropped")
case("disk-vpd-pg80-nvme-wwid-of-dropped-serial", "disk", "vpd_pg80",
     pg80(b"nvme.1ae0-" + CARD_PD + b"-" + CARD_PD + b"-00000001\n"),
     "the kernel's NVMe wwid made from the serial nvme_card-pd: dropped")
case("disk-vpd-pg80-nvme-wwid-of-blank-serial", "disk", "vpd_pg80",
     pg80(b"nvme.144d--" + b"Samsung SSD 980 1TB".hex().encode() + b"-00000001"),
     "a wwid made from an empty serial: dropped")
case("disk-vpd-pg80-nvme-wwid-of-real-serial", "disk", "vpd_pg80",
     pg80(b"nvme.1d0f-" + EBS_SERIAL + b"-" + EBS_MODEL + b"-00000001"),
     "a wwid made from an EBS volume's serial: kept, upper-cased")
case("disk-vpd-pg80-nvme-wwid-three-parts", "disk", "vpd_pg80", pg80(b"nvme.1ae0-" + CARD_PD + b"-00000001"),
     "not the wwid form (three parts after nvme.): kept")
case("disk-vpd-pg80-nvme-wwid-odd-hex", "disk", "vpd_pg80",
     pg80(b"nvme.1ae0-" + CARD_PD + b"0-" + CARD_PD + b"-00000001"),
     "an odd number of hex digits is not the wwid form: kept")
case("disk-mmc-cid", "disk", "serial", b"9f5449535343303310ffd5c2e7012a00\n", "device/cid of an SD card")

# nic: permanent MACs
case("nic-bytes-universal", "nic", "mac_bytes", "001b21aabbcc", "ETHTOOL_GPERMADDR bytes of an Intel NIC")
case("nic-bytes-locally-administered-virtio", "nic", "mac_bytes", "02fc8a1b2c3d",
     "locally administered (bit 1 of byte 0): kept")
case("nic-bytes-locally-administered-aws", "nic", "mac_bytes", "0a1b2c3d4e5f", "AWS ENI: kept")
case("nic-bytes-multicast", "nic", "mac_bytes", "011b21aabbcc", "group bit set: dropped")
case("nic-bytes-multicast-and-local", "nic", "mac_bytes", "03fc8a1b2c3d", "group and local bits: dropped")
case("nic-bytes-broadcast", "nic", "mac_bytes", "ffffffffffff", "broadcast has the group bit: dropped")
case("nic-bytes-all-zero", "nic", "mac_bytes", "000000000000", "all zero (veth, lo): dropped")
case("nic-bytes-eight", "nic", "mac_bytes", "001b21aabbccddee", "8 bytes: dropped")
case("nic-bytes-none", "nic", "mac_bytes", "", "the driver reports no address: dropped")
case("nic-text-sysfs-address", "nic", "mac_text", b"52:54:00:12:34:56\n", "sysfs address (addr_assign_type 0)")
case("nic-text-uppercase", "nic", "mac_text", b"AA:BB:CC:DD:EE:F0\n", "upper-case hex is read; written lower")
case("nic-text-padded", "nic", "mac_text", b" \t52:54:00:ab:cd:ef \n", "blanks around are cleaned away")
case("nic-text-bond-perm-hwaddr", "nic", "mac_text", b"00:1b:21:aa:bb:cd\n", "bonding_slave/perm_hwaddr")
case("nic-text-dashes", "nic", "mac_text", b"52-54-00-12-34-56\n", "not ':' separated: dropped")
case("nic-text-short-group", "nic", "mac_text", b"52:54:0:12:34:56\n", "not 17 bytes: dropped")
case("nic-text-multicast", "nic", "mac_text", b"33:33:00:00:00:01\n", "IPv6 multicast: dropped")
case("nic-text-infiniband", "nic", "mac_text",
     b"80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:de\n", "20-byte address: dropped")

# os: machine-id
MID = b"4c4c4544004d3910804fb4c04f4a4d32"
case("os-machine-id", "os", "machine_id", MID + b"\n", "32 lower-case hex digits and LF")
case("os-machine-id-no-lf", "os", "machine_id", MID, "no LF at the end")
case("os-machine-id-trailing-lf-space-mix", "os", "machine_id", MID + b" \n \n\n", "LFs and spaces at the end")
case("os-machine-id-uppercase", "os", "machine_id", MID.upper() + b"\n", "upper case is not folded: dropped")
case("os-machine-id-crlf", "os", "machine_id", MID + b"\r\n", "a CR is not removed: dropped")
case("os-machine-id-trailing-tab", "os", "machine_id", MID + b"\t\n", "a tab is not removed: dropped")
case("os-machine-id-leading-space", "os", "machine_id", b" " + MID + b"\n", "nothing removed at the start: dropped")
case("os-machine-id-uninitialized", "os", "machine_id", b"uninitialized\n", "first boot: dropped")
case("os-machine-id-all-zero", "os", "machine_id", b"0" * 32 + b"\n", "all zero: dropped")
case("os-machine-id-31-digits", "os", "machine_id", MID[:31] + b"\n", "31 digits: dropped")
case("os-machine-id-uuid-dashes", "os", "machine_id", b"4c4c4544-004d-3910-804f-b4c04f4a4d32\n",
     "UUID spelling: dropped")
case("os-machine-id-empty", "os", "machine_id", b"", "empty file: dropped")

# board: DMI, device tree, AWS asset tag
case("board-uuid", "board", "uuid", b"4C4C4544-004D-3910-804F-B4C04F4A4D32\n", "product_uuid, lower-cased")
case("board-uuid-placeholder", "board", "uuid", b"03000200-0400-0500-0006-000700080009\n",
     "a common firmware default: dropped")
case("board-uuid-all-f", "board", "uuid", b"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF\n", "repeated character: dropped")
case("board-uuid-all-zero", "board", "uuid", b"00000000-0000-0000-0000-000000000000\n", "repeated character: dropped")
case("board-uuid-not-a-uuid", "board", "uuid", b"Not Settable\n", "the UUID syntax is not checked: kept")
case("board-serial-dell-tag", "board", "serial", b"7xk9l2 \n", "product_serial, upper-cased")
case("board-serial-system-serial-number", "board", "serial", b"System Serial Number\n", "filler: dropped")
case("board-serial-base-board", "board", "serial", b"Base Board Serial Number\n", "filler: dropped")
case("board-serial-na", "board", "serial", b"N/A\n", "filler: dropped")
case("board-serial-123456789abcdef", "board", "serial", b"123456789ABCDEF\n", "filler, any case: dropped")
case("board-device-tree-serial", "board", "serial", b"10000000abcdef01\x00", "device-tree string with its NUL")
case("board-asset-tag-instance-id", "board", "asset_tag", b"i-0123456789abcdef0\n", "AWS instance ID, 17 digits")
case("board-asset-tag-short-instance-id", "board", "asset_tag", b"i-0a1b2c3d\n", "AWS instance ID, 8 digits")
case("board-asset-tag-uppercase", "board", "asset_tag", b"i-0123456789ABCDEF0\n", "upper-case hex: dropped")
case("board-asset-tag-16-digits", "board", "asset_tag", b"i-0123456789abcdef\n", "16 digits: dropped")
case("board-asset-tag-filler", "board", "asset_tag", b"Default string\n", "not an instance ID: dropped")


# ---------------------------------------------------------------- TOML output


def toml_string(text):
  out = ['"']
  for c in text:
    o = ord(c)
    if c == '"':
      out.append('\\"')
    elif c == "\\":
      out.append("\\\\")
    elif c == "\n":
      out.append("\\n")
    elif c == "\t":
      out.append("\\t")
    elif c == "\r":
      out.append("\\r")
    elif o < 0x20 or 0x7F <= o <= 0x9F:
      out.append(f"\\u{o:04x}")
    else:
      out.append(c)
  out.append('"')
  return "".join(out)


def render():
  lines = [
      "# Airlock component-hash vectors (FORMAT.md section 4). CC0-1.0.",
      "# Written by make_hash_vectors.py, a Python implementation of section 4 made from the",
      "# specification text alone; check_hash_vectors.py re-derives every hash. Do not edit by hand.",
      "#",
      "# Each [[case]] gives a raw input, the input kind (which rule of section 4 applies to it),",
      "# and either kept = true with the canonical value and its hashes, or kept = false (dropped).",
      "# Raw input: `text` (file content; TOML escapes stand for the bytes of their UTF-8 encoding),",
      "# `hex` (bytes as lowercase hex) or `cpuid` (registers per leaf; leaves not listed are",
      "# not available).",
      "",
      "format = 1",
      f"salt_label = {toml_string(SALT_LABEL.decode())}",
      "",
  ]
  for key_id, product in PAIRS:
    lines += ["[[pair]]", f"key_id = {toml_string(key_id)}", f"product = {toml_string(product)}", ""]
  seen = set()
  kept_count = 0
  for c in CASES:
    assert c["name"] not in seen, c["name"]
    seen.add(c["name"])
    assert c["class"] in CLASSES
    kind, raw = c["input"], c["raw"]
    if kind == "mac_bytes":
      value = mac_value(bytes.fromhex(raw))
    else:
      value = KINDS[kind](raw)
    lines += ["[[case]]", f"name = {toml_string(c['name'])}", f"class = {toml_string(c['class'])}",
              f"input = {toml_string(kind)}", f"note = {toml_string(c['note'])}"]
    if kind in TEXT_KINDS:
      lines.append(f"text = {toml_string(raw.decode('utf-8'))}")
    elif kind == "mac_bytes":
      lines.append(f"hex = {toml_string(raw)}")
    elif kind == "vpd_pg80":
      lines.append(f"hex = {toml_string(raw.hex())}")
    lines.append(f"kept = {'true' if value is not None else 'false'}")
    if value is not None:
      assert value and all(0x20 <= ord(ch) <= 0x7E for ch in value), value
      lines.append(f"canonical = {toml_string(value)}")
      kept_count += 1
    if kind == "cpuid":
      for leaf in sorted(raw):
        eax, ebx, ecx, edx = raw[leaf]
        lines += ["", "[[case.cpuid]]", f"leaf = 0x{leaf:08x}", f"eax = 0x{eax:08x}", f"ebx = 0x{ebx:08x}",
                  f"ecx = 0x{ecx:08x}", f"edx = 0x{edx:08x}"]
    if value is not None:
      for key_id, product in PAIRS:
        lines += ["", "[[case.hash]]", f"key_id = {toml_string(key_id)}", f"product = {toml_string(product)}",
                  f"hash = {toml_string(component_hash(key_id, product, c['class'], value))}"]
    lines.append("")
  assert len(CASES) >= 40 and kept_count >= 1
  return "\n".join(lines)


def main(argv):
  text = render()
  if argv[1:] == ["--check"]:
    if OUTPUT.read_text(encoding="utf-8") != text:
      print(f"{OUTPUT.name} is not what make_hash_vectors.py writes; run it", file=sys.stderr)
      return 1
    print(f"{OUTPUT.name} is up to date ({len(CASES)} cases)")
    return 0
  if argv[1:]:
    print("usage: make_hash_vectors.py [--check]", file=sys.stderr)
    return 2
  OUTPUT.write_text(text, encoding="utf-8", newline="\n")
  print(f"wrote {OUTPUT} ({len(CASES)} cases)")
  return 0


if __name__ == "__main__":
  sys.exit(main(sys.argv))
