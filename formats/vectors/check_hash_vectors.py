#!/usr/bin/env python3
# SPDX-License-Identifier: CC0-1.0
"""Re-derives every hash of component_hashes.toml from its canonical value (FORMAT.md 4.1).

Uses only hashlib and hmac, not make_hash_vectors.py. Prints one line per failure and then
"N passed, M failed"; exits 1 when anything failed.

    python3 formats/vectors/check_hash_vectors.py [component_hashes.toml]
"""

import hashlib
import hmac
import pathlib
import sys
import tomllib

CLASSES = ("platform", "disk", "nic", "os", "board")
KINDS = ("cpuid", "cpuinfo", "serial", "uuid", "vpd_pg80", "mac_bytes", "mac_text", "machine_id", "asset_tag")


def expected_hash(salt_label, key_id, product, class_name, canonical):
  salt = hashlib.sha256(salt_label + b"\n" + key_id.encode("ascii") + b"\n" + product.encode("utf-8")).digest()
  return hmac.new(salt, class_name.encode("ascii") + b"\n" + canonical.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def is_key_id(text):
  return len(text) == 16 and all(c in "0123456789abcdef" for c in text)


def main(argv):
  path = pathlib.Path(argv[1]) if len(argv) > 1 else pathlib.Path(__file__).resolve().parent / "component_hashes.toml"
  with open(path, "rb") as f:
    doc = tomllib.load(f)
  passed, failures = 0, []

  def check(ok, what):
    nonlocal passed
    if ok:
      passed += 1
    else:
      failures.append(what)

  check(doc.get("format") == 1, "file: format is not 1")
  salt_label = doc.get("salt_label", "").encode("ascii")
  check(salt_label == b"airlock-hwid-salt-v1", "file: salt_label is not airlock-hwid-salt-v1")
  names = set()
  for case in doc.get("case", []):
    name = case.get("name", "?")
    check(name not in names, f"{name}: name used twice")
    names.add(name)
    check(case.get("class") in CLASSES, f"{name}: unknown class {case.get('class')!r}")
    check(case.get("input") in KINDS, f"{name}: unknown input {case.get('input')!r}")
    raw_keys = [k for k in ("text", "hex", "cpuid") if k in case]
    check(len(raw_keys) == 1, f"{name}: needs exactly one of text, hex, cpuid (has {raw_keys})")
    if case.get("kept") is not True:
      check(case.get("kept") is False and "canonical" not in case and "hash" not in case,
            f"{name}: a dropped case has kept = false and no canonical value or hash")
      continue
    canonical = case.get("canonical", "")
    check(canonical != "" and all(0x20 <= ord(c) <= 0x7E for c in canonical),
          f"{name}: canonical value is empty or not printable ASCII")
    hashes = case.get("hash", [])
    check(len(hashes) >= 3, f"{name}: fewer than 3 hashes")
    for h in hashes:
      key_id, product, value = h.get("key_id", ""), h.get("product", ""), h.get("hash", "")
      if not is_key_id(key_id):
        check(False, f"{name}: key_id {key_id!r} is not 16 lowercase hex digits")
        continue
      want = expected_hash(salt_label, key_id, product, case["class"], canonical)
      check(value == want, f"{name}: key_id {key_id} product {product!r}: hash {value}, expected {want}")
  for line in failures:
    print(line)
  print(f"{passed} passed, {len(failures)} failed")
  return 1 if failures else 0


if __name__ == "__main__":
  sys.exit(main(sys.argv))
