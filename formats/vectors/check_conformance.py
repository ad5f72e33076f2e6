#!/usr/bin/env python3
# SPDX-License-Identifier: CC0-1.0
"""Checks the Airlock conformance vectors without any C++: every entry of manifest.toml.

For each license, request and revocation list this runs an independent Python model of the reading
pipeline of FORMAT.md (size, normalization, version first, split, signature table,
blank line, key lookup, Ed25519 through `openssl pkeyutl -verify`, the body in the canonical subset
with the extensions and `critical` of 8.1 and its field rules, key id match, product, clock, the
revocation list of 11.2, dates, maintenance, environment and machine)
and compares the reason it reaches with the manifest's `expect`. For entries with values it
compares what tomllib reads from the file with the manifest; for bound licenses it recomputes the
machine hashes from the manifest's raw values and checks the declared `matching` classes (and, for
policy airlock-match-v2, the declared `proof` classes). Finally
it re-runs make_conformance.py into a temporary folder and fails on any difference (staleness).

    python3 formats/vectors/check_conformance.py [-v] [--no-regenerate]

Prints one line per failure and ends with "N passed, M failed"; exits 1 when M > 0.
"""

import argparse
import base64
import datetime
import filecmp
import hashlib
import hmac
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRUSTED_PUB = HERE / "test_vendor_key.pub"
TRUSTED_ID = "55946e28fb11b7ee"
PREFIX = b"airlock-license-v1\n"
MAX_SIZE = 65536
MAX_LINES = 1024
MAX_STRING = 1024
CLASSES = ["platform", "disk", "nic", "os", "board"]
HARDWARE = {"disk", "nic", "board"}
POLICY_V1 = "airlock-match-v1"
POLICY_V2 = "airlock-match-v2"
POLICIES = (POLICY_V1, POLICY_V2)
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
UTC = datetime.timezone.utc


class Reject(Exception):
    """The model's verdict: a reason token and where in the pipeline it was found."""

    def __init__(self, reason, step, detail):
        super().__init__("%s at %s: %s" % (reason, step, detail))
        self.reason, self.step, self.detail = reason, step, detail


def malformed(step, detail):
    return Reject("malformed", step, detail)


# ---------------------------------------------------------------------------------------------
# Steps 1-6 (FORMAT.md 3.2), shared by licenses and requests where they apply.


def normalize(raw: bytes) -> bytes:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.replace(b"\r\n", b"\n")


CANONICAL_INT = re.compile(rb"0|-?[1-9][0-9]*")


def version_first(text: bytes, table: bytes):
    lines = text.split(b"\n")
    i = 0
    while i < len(lines) and lines[i].startswith(b"#"):
        i += 1
    if i >= len(lines) or lines[i] != table:
        raise malformed("version", "the first line that is not a comment is not %s" % table.decode())
    if i + 1 >= len(lines) or not lines[i + 1].startswith(b"format = "):
        raise malformed("version", "the line after %s does not start with 'format = '" % table.decode())
    value = lines[i + 1][len(b"format = "):]
    if value == b"1":
        return
    if CANONICAL_INT.fullmatch(value) and INT64_MIN <= int(value) <= INT64_MAX:
        raise Reject("unsupported_version", "version", "format = %s" % value.decode())
    raise malformed("version", "format = %r is not a canonical integer" % value)


ALGORITHM_LINE = re.compile(rb'algorithm = "([a-z0-9-]{1,32})"')
ED25519_TABLE = re.compile(rb'algorithm = "ed25519"\nkey_id = "([0-9a-f]{16})"\nvalue = "([A-Za-z0-9+/=]*)"\n?')


def split_license(text: bytes):
    """Steps 4-6: (body, signature key id, 64 signature bytes)."""
    at = None
    offset = 0
    for line in text.split(b"\n"):
        if line == b"[signature]":
            at = offset
        offset += len(line) + 1
    if at is None:
        raise malformed("split", "no [signature] line")
    body = text[:at]
    rest = text[at + len(b"[signature]") + 1:]
    first = rest.split(b"\n", 1)[0]
    m = ALGORITHM_LINE.fullmatch(first)
    if not m:
        raise malformed("signature table", "first line %r is not algorithm = \"NAME\"" % first)
    if m.group(1) != b"ed25519":
        raise Reject("unsupported_version", "signature table", "algorithm %s" % m.group(1).decode())
    m = ED25519_TABLE.fullmatch(rest)
    if not m:
        raise malformed("signature table", "not exactly algorithm, key_id, value and the end of the file")
    value = m.group(2)
    try:
        sig = base64.b64decode(value, validate=True)
    except ValueError:
        raise malformed("signature table", "value is not base64")
    if len(sig) != 64 or base64.b64encode(sig) != value:
        raise malformed("signature table", "value is not the canonical base64 of 64 bytes")
    if not body.endswith(b"\n\n"):
        raise malformed("blank line", "the body does not end with a blank line")
    return body, m.group(1).decode(), sig


def openssl_verify(message: bytes, sig: bytes, pub: Path = TRUSTED_PUB) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        msg, sgf = os.path.join(tmp, "message.bin"), os.path.join(tmp, "sig.bin")
        with open(msg, "wb") as f:
            f.write(message)
        with open(sgf, "wb") as f:
            f.write(sig)
        done = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(pub), "-rawin", "-in", msg,
                               "-sigfile", sgf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode == 0


# ---------------------------------------------------------------------------------------------
# Step 8: the canonical subset, by parsing with tomllib and rendering the one canonical spelling.

SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def q(text: str) -> str:
    out = []
    for ch in text:
        if ch in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def need(ok, detail):
    if not ok:
        raise malformed("body", detail)


def is_str(v):
    return isinstance(v, str)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_date(v):
    return type(v) is datetime.date


def is_instant(v):
    return isinstance(v, datetime.datetime) and v.utcoffset() == datetime.timedelta(0) and v.microsecond == 0


def r_date(d):
    return "%04d-%02d-%02d" % (d.year, d.month, d.day)


def r_instant(t):
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (t.year, t.month, t.day, t.hour, t.minute, t.second)


def r_array(items):
    need(isinstance(items, list) and all(is_str(x) for x in items), "expected an array of strings")
    return "[" + ", ".join(q(x) for x in items) + "]"


def split_comments(text: str):
    lines = text.split("\n")
    n = 0
    while n < len(lines) and lines[n].startswith("#"):
        need(not any(ord(c) < 0x20 or ord(c) == 0x7F for c in lines[n]), "a control character in a comment")
        n += 1
    return "\n".join(lines[:n]) + ("\n" if n else ""), "\n".join(lines[n:])


def load_subset(data: bytes):
    """(tomllib document, text after the leading comment lines) or Reject."""
    need(data.count(b"\n") <= MAX_LINES, "more than 1024 lines")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise malformed("body", "invalid UTF-8")
    _, rest = split_comments(text)
    try:
        doc = tomllib.loads(rest)
    except tomllib.TOMLDecodeError as e:
        raise malformed("body", "not TOML: %s" % e)
    return doc, rest


def text_field(v, name, limit):
    need(is_str(v), "%s is not a string" % name)
    raw = v.encode("utf-8")
    need(1 <= len(raw) <= limit, "%s must be 1-%d bytes" % (name, limit))
    need(not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in v), "%s holds a control character" % name)


def string_limit(v, name):
    need(len(v.encode("utf-8")) <= MAX_STRING, "%s longer than 1024 bytes" % name)


HEX32 = re.compile(r"[0-9a-f]{32}")
HEX16 = re.compile(r"[0-9a-f]{16}")
LICENSE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
FEATURE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
ENTRY_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def hash_list(v, cls):
    need(isinstance(v, list) and all(is_str(x) for x in v), "%s is not an array of strings" % cls)
    need(1 <= len(v) <= 16, "%s must hold 1-16 hashes" % cls)
    need(all(HEX32.fullmatch(x) for x in v), "%s hashes must be 32 lowercase hex digits" % cls)
    need(len(set(v)) == len(v), "%s holds a hash twice" % cls)


def evidence_only_list(mach):
    """evidence_only of a license or request [machine] (FORMAT.md 3.6 rules 2 and 3)."""
    hash_list(mach["evidence_only"], "evidence_only")
    need(all(x in mach.get("nic", []) for x in mach["evidence_only"]), "an evidence_only hash is not in nic")


def sorted_unique(keys):
    raw = [k.encode("utf-8") for k in keys]
    return all(a < b for a, b in zip(raw, raw[1:]))


MAX_ARRAY = 1024
HEADER = re.compile(r"\[([A-Za-z0-9_-]{1,64}(?:\.[A-Za-z0-9_-]{1,64})*)\]")
KEY_LINE = re.compile(r"([A-Za-z0-9_-]{1,64}) = (.*)")


def r_value(v):
    """The one spelling of a value of section 2, or Reject for anything outside the subset."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if is_int(v):
        return str(v)
    if is_instant(v):
        return r_instant(v)
    if is_date(v):
        return r_date(v)
    if is_str(v):
        string_limit(v, "a string")
        return q(v)
    if isinstance(v, list):
        need(len(v) <= MAX_ARRAY, "an array of more than 1024 entries")
        for x in v:
            need(is_str(x), "an array of something else than strings")
            string_limit(x, "a string in an array")
        return r_array(v)
    raise malformed("body", "a value outside the subset: %r" % (v,))


def sections_of(rest: str, final_blank: str):
    """The tables of a document after its comment lines, in file order: [(name, [(key, value)])].

    Checks the layout of section 2 line by line (one header or `key = value` per line, one blank line
    before every later header) and that every value is written in its one canonical spelling.
    final_blank: "required" (a license or list body), "optional" (a request)."""
    need(rest.endswith("\n"), "the last line does not end with LF")
    lines = rest[:-1].split("\n")
    if lines and lines[-1] == "":
        need(final_blank != "never", "a blank line at the end")
        lines = lines[:-1]
    else:
        need(final_blank != "required", "the body does not end with a blank line")
    out = []
    blank = False
    for line in lines:
        if line == "":
            need(out and not blank, "a blank line out of place")
            blank = True
            continue
        header = HEADER.fullmatch(line)
        if header:
            need(blank == bool(out), "a table header without exactly one blank line before it (none before the first)")
            out.append((header.group(1), []))
        else:
            need(out and not blank, "a line that is neither a table header nor in a table")
            kv = KEY_LINE.fullmatch(line)
            need(kv, "not a canonical key = value line: %r" % line[:40])
            try:
                value = tomllib.loads("v = " + kv.group(2))["v"]
            except tomllib.TOMLDecodeError as e:
                raise malformed("body", "not a TOML value: %s" % e)
            need(r_value(value) == kv.group(2), "not the canonical spelling of a value: %r" % kv.group(2)[:40])
            out[-1][1].append((kv.group(1), value))
        blank = False
    need(not blank, "more than one blank line at the end")
    return out


def same_as_tomllib(doc: dict, sections):
    """tomllib, reading the whole document, finds exactly the tables and values read line by line."""
    def tables(node, prefix):
        for k, v in node.items():
            if isinstance(v, dict):
                yield prefix + k, v
                yield from tables(v, prefix + k + ".")
    found = {name: {k: v for k, v in t.items() if not isinstance(v, dict)} for name, t in tables(doc, "")}
    mine = {name: dict(keys) for name, keys in sections}
    # A table that only holds sub-tables ([a] of [a.b]) has no header of its own.
    found = {name: t for name, t in found.items() if t or name in mine}
    need(found == mine, "tomllib reads the document otherwise than line by line")


def split_keys(keys, defined, where):
    """FORMAT.md 8.1: the defined keys in their order, then extension keys, sorted and unique, none of
    them a defined name. Returns (dict of defined keys, [(extension key, value)])."""
    got, ext, last = {}, [], -1
    for k, v in keys:
        if not ext and k in defined and defined.index(k) > last:
            got[k] = v
            last = defined.index(k)
            continue
        need(k not in defined, "%s: the defined key %s out of order or repeated" % (where, k))
        need(not ext or ext[-1][0].encode() < k.encode(), "%s: extension keys unsorted or repeated" % where)
        ext.append((k, v))
    return got, ext


def split_tables(sections, defined, where):
    """The defined tables in their order, then extension tables after the last defined one (8.1)."""
    got, ext, last = {}, [], -1
    for name, keys in sections:
        if not ext and name in defined and defined.index(name) > last:
            got[name] = keys
            last = defined.index(name)
            continue
        need(name not in defined, "the table [%s] out of order or repeated" % name)
        need(last == len(defined) - 1, "the table [%s] before [%s]" % (name, defined[-1]))
        need(name != "signature", "an extension table named signature")
        need(not name.startswith(("license.", "machine.", "revocations.", "signature.")),
             "an extension table [%s] under a defined table's name" % name)
        need(not ext or ext[-1][0].encode() < name.encode(), "extension tables unsorted or repeated")
        need(keys, "an empty extension table [%s]" % name)
        need(sorted_unique([k for k, _ in keys]), "keys of [%s] unsorted or repeated" % name)
        ext.append((name, keys))
    return got, ext


def check_critical(critical, present: set, extensions: set):
    """FORMAT.md 8.1, right after the body parses and before the field rules."""
    if critical is None:
        return
    need(isinstance(critical, list) and all(is_str(x) for x in critical), "critical is not an array of strings")
    need(1 <= len(critical) <= 64, "critical must hold 1-64 names")
    need(sorted_unique(critical), "critical unsorted or repeated")
    for name in critical:
        need(name in present, "critical names %s, which the file does not have" % name)
        if name in extensions:
            raise Reject("unsupported_version", "critical", "needs a newer verifier: " + name)


LICENSE_KEYS = ["format", "id", "key_id", "product", "licensee", "issued", "not_before", "expires", "updates_until",
                "features", "supersedes", "min_revocation_sequence", "critical"]
MACHINE_KEYS = ["unbound", "policy", "allow_container"] + CLASSES + ["evidence_only"]
LICENSE_TABLES = ["license", "license.limits", "license.meta", "machine"]


def place_names(place, keys):
    return {"%s.%s" % (place, k) for k, _ in keys}


def parse_license_body(body: bytes) -> dict:
    doc, rest = load_subset(body)
    sections = sections_of(rest, "required")
    same_as_tomllib(doc, sections)
    tables, ext_tables = split_tables(sections, LICENSE_TABLES, "license")
    need("license" in tables and "machine" in tables, "[license] or [machine] missing")
    lic, lic_ext = split_keys(tables["license"], LICENSE_KEYS, "[license]")
    mach, mach_ext = split_keys(tables["machine"], MACHINE_KEYS, "[machine]")
    limits = dict(tables["license.limits"]) if "license.limits" in tables else None
    meta = dict(tables["license.meta"]) if "license.meta" in tables else None
    for name in ("license.limits", "license.meta"):
        if name in tables:
            need(len(dict(tables[name])) == len(tables[name]), "a key of [%s] twice" % name)
    extensions = (["license." + k for k, _ in lic_ext] + ["machine." + k for k, _ in mach_ext]
                  + [n for n, _ in ext_tables])
    present = (place_names("license", tables["license"]) | place_names("machine", tables["machine"])
               | {n for n, _ in sections})
    check_critical(lic.get("critical"), present, set(extensions))

    for k in ("format", "id", "key_id", "product", "licensee", "issued", "not_before", "features"):
        need(k in lic, "missing key %s" % k)
    need(is_int(lic["format"]) and lic["format"] == 1, "format is not 1")
    for k in ("id", "key_id", "product", "licensee"):
        need(is_str(lic[k]), "%s is not a string" % k)
    need(is_instant(lic["issued"]), "issued is not a UTC date-time")
    for k in ("not_before", "expires", "updates_until"):
        need(k not in lic or is_date(lic[k]), "%s is not a date" % k)
    need(isinstance(lic["features"], list), "features is not an array")
    need(limits is None or all(is_int(v) for v in limits.values()), "limits must be integers")
    need(meta is None or all(is_str(v) for v in meta.values()), "meta must be strings")
    need(isinstance(mach.get("unbound"), bool), "unbound is not a boolean")
    if not mach["unbound"]:
        need(is_str(mach.get("policy")), "policy is not a string")
        need(isinstance(mach.get("allow_container"), bool), "allow_container is not a boolean")
        if mach["policy"] not in POLICIES:
            raise Reject("unsupported_version", "body", "policy %r" % mach["policy"])

    # Field rules.
    need(LICENSE_ID.fullmatch(lic["id"]), "id")
    need(HEX16.fullmatch(lic["key_id"]), "key_id")
    text_field(lic["product"], "product", 128)
    text_field(lic["licensee"], "licensee", 256)
    for k in ("expires", "updates_until"):
        need(k not in lic or lic[k] >= lic["not_before"], "%s before not_before" % k)
    feats = lic["features"]
    need(len(feats) <= 128, "more than 128 features")
    need(all(FEATURE.fullmatch(f) for f in feats), "a feature name")
    need(sorted_unique(feats), "features unsorted or duplicate")
    if "supersedes" in lic:
        need(is_str(lic["supersedes"]) and LICENSE_ID.fullmatch(lic["supersedes"]), "supersedes is not a license id")
        need(lic["supersedes"] != lic["id"], "supersedes equals id")
    if "min_revocation_sequence" in lic:
        need(is_int(lic["min_revocation_sequence"]) and lic["min_revocation_sequence"] >= 1,
             "min_revocation_sequence must be an integer >= 1")
    for name, table in (("limits", limits), ("meta", meta)):
        if table is None:
            continue
        need(1 <= len(table) <= 64, "[license.%s] must hold 1-64 entries" % name)
        need(all(ENTRY_KEY.fullmatch(k) for k in table), "a key of [license.%s]" % name)
        need(sorted_unique([k for k, _ in tables["license." + name]]), "keys of [license.%s] unsorted or duplicate"
             % name)
    for v in (limits or {}).values():
        need(0 <= v <= INT64_MAX, "a limit out of range")
    for v in (meta or {}).values():
        string_limit(v, "a meta value")
        need("\0" not in v, "NUL in a meta value")
    if mach["unbound"]:
        need(list(mach) == ["unbound"], "an unbound [machine] holds no other defined key")
        need(mach["unbound"] is True, "unbound = false needs the keys of a bound [machine]")
    else:
        need("platform" in mach, "a bound license must record platform")
        for c in CLASSES:
            if c in mach:
                hash_list(mach[c], c)
        need(any(c in mach for c in HARDWARE), "a bound license must record disk, nic or board")
        if "evidence_only" in mach:
            need(mach["policy"] == POLICY_V2, "evidence_only is allowed only with policy airlock-match-v2")
            evidence_only_list(mach)
    out = dict(lic)
    if limits is not None:
        out["limits"] = limits
    if meta is not None:
        out["meta"] = meta
    out["machine"] = mach
    out["extensions"] = extensions
    out["top_tables"] = {n.split(".")[0] for n, _ in sections}
    return out


REQUEST_KEYS = ["format", "product", "key_id", "created", "tool", "environment", "replaces"]


def parse_request(raw: bytes) -> dict:
    if len(raw) > MAX_SIZE:
        raise malformed("size", "larger than 65536 bytes")
    text = normalize(raw)
    version_first(text, b"[request]")
    doc, rest = load_subset(text)
    sections = sections_of(rest, "optional")
    same_as_tomllib(doc, sections)
    need([n for n, _ in sections] == ["request", "machine"], "the tables are not [request] and [machine]")
    req, ext = split_keys(sections[0][1], REQUEST_KEYS, "[request]")
    need(not ext, "an unknown key in [request] (a request has no extensions)")
    mach, ext = split_keys(sections[1][1], CLASSES + ["evidence_only"], "[machine]")
    need(not ext, "an unknown key in [machine] (a request has no extensions)")
    for k in REQUEST_KEYS[:-1]:
        need(k in req, "missing key %s" % k)
    need(is_int(req["format"]) and req["format"] == 1, "format is not 1")
    for k in ("product", "key_id", "tool", "environment"):
        need(is_str(req[k]), "%s is not a string" % k)
    need(is_instant(req["created"]), "created is not a UTC date-time")
    text_field(req["product"], "product", 128)
    need(HEX16.fullmatch(req["key_id"]), "key_id")
    text_field(req["tool"], "tool", 128)
    need(req["environment"] in ("bare-metal", "vm", "container", "unknown"), "environment")
    if "replaces" in req:
        need(is_str(req["replaces"]) and LICENSE_ID.fullmatch(req["replaces"]), "replaces is not a license id")
    for c in CLASSES:
        if c in mach:
            hash_list(mach[c], c)
    if "evidence_only" in mach:
        evidence_only_list(mach)
    out = dict(req)
    out["machine"] = mach
    return out


# ---------------------------------------------------------------------------------------------
# Revocation lists (FORMAT.md 11.1): the envelope of a license with its own first table and prefix.

REV_PREFIX = b"airlock-revocations-v1\n"
REVOCATION_KEYS = ["format", "key_id", "product", "sequence", "issued", "revoked", "critical"]


def parse_revocation_body(body: bytes) -> dict:
    doc, rest = load_subset(body)
    sections = sections_of(rest, "required")
    same_as_tomllib(doc, sections)
    tables, ext_tables = split_tables(sections, ["revocations"], "revocation list")
    need("revocations" in tables, "[revocations] missing")
    rev, ext = split_keys(tables["revocations"], REVOCATION_KEYS, "[revocations]")
    extensions = ["revocations." + k for k, _ in ext] + [n for n, _ in ext_tables]
    present = place_names("revocations", tables["revocations"]) | {n for n, _ in sections}
    check_critical(rev.get("critical"), present, set(extensions))
    for k in REVOCATION_KEYS[:-1]:
        need(k in rev, "missing key %s" % k)
    need(is_int(rev["format"]) and rev["format"] == 1, "format is not 1")
    need(is_str(rev["key_id"]) and HEX16.fullmatch(rev["key_id"]), "key_id")
    text_field(rev["product"], "product", 128)
    need(is_int(rev["sequence"]) and rev["sequence"] >= 1, "sequence must be an integer >= 1")
    need(is_instant(rev["issued"]), "issued is not a UTC date-time")
    revoked = rev["revoked"]
    need(isinstance(revoked, list) and len(revoked) <= 1024, "revoked must be an array of at most 1024 ids")
    need(all(is_str(x) and LICENSE_ID.fullmatch(x) for x in revoked), "a revoked id is not a license id")
    need(sorted_unique(revoked), "revoked unsorted or repeated")
    out = dict(rev)
    out["extensions"] = extensions
    out["top_tables"] = {n.split(".")[0] for n, _ in sections}
    return out


def read_revocation_list(raw: bytes, verified_hook=None) -> dict:
    """FORMAT.md 11.2: steps 1-9 of 3.2 for a list. Returns the list or raises Reject."""
    if len(raw) > MAX_SIZE:
        raise malformed("size", "larger than 65536 bytes")
    text = normalize(raw)
    version_first(text, b"[revocations]")
    body, sig_key_id, sig = split_license(text)
    if sig_key_id != TRUSTED_ID:
        raise Reject("unknown_key", "key", sig_key_id)
    verified = openssl_verify(REV_PREFIX + body, sig)
    if verified_hook:
        verified_hook(verified)
    if not verified:
        raise Reject("bad_signature", "signature", "")
    rev = parse_revocation_body(body)
    if rev["key_id"] != sig_key_id:
        raise Reject("key_id_mismatch", "key id", "")
    return rev


# ---------------------------------------------------------------------------------------------
# Step 10 and the hashes.


def product_salt(key_id: str, product: str) -> bytes:
    return hashlib.sha256(b"airlock-hwid-salt-v1\n" + key_id.encode() + b"\n" + product.encode()).digest()


def component_hash(salt: bytes, cls: str, value: str) -> str:
    return hmac.new(salt, (cls + "\n" + value).encode(), hashlib.sha256).digest()[:16].hex()


def current_hashes(machine: dict, key_id: str, product: str) -> dict:
    salt = product_salt(key_id, product)
    return {c: {component_hash(salt, c, v) for v in machine.get(c, [])} for c in CLASSES}


def unix(t: datetime.datetime) -> int:
    return int((t - datetime.datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())


def matched_classes(lic: dict, current: dict) -> set:
    """The recorded classes that share a hash with the current machine's values."""
    m = lic["machine"]
    hashes = current_hashes(current, lic["key_id"], lic["product"])
    return {c for c in CLASSES if c in m and set(m[c]) & hashes[c]}


MAC_VALUE = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}")


def software_assigned(value: str) -> bool:
    """FORMAT.md 4.6 rule 1 on a canonical nic value: the locally-administered bit of the first byte.
    Rule 2 (a WSL2 kernel) cannot be expressed by a manifest machine and never applies."""
    if not MAC_VALUE.fullmatch(value):
        raise ValueError("%r is not a canonical nic value" % value)
    return bool(int(value[:2], 16) & 0x02)


def proof_classes(lic: dict, current: dict) -> set:
    """FORMAT.md 5.2 step 3: the matched recorded classes that are hardware proof."""
    m = lic["machine"]
    hashes = current_hashes(current, lic["key_id"], lic["product"])
    salt = product_salt(lic["key_id"], lic["product"])
    e_l = set(m.get("evidence_only", []))
    e_c = {component_hash(salt, "nic", v) for v in current.get("nic", []) if software_assigned(v)}
    out = set()
    for c in ("disk", "board"):
        if c in m and set(m[c]) & hashes[c]:
            out.add(c)
    if "nic" in m and (set(m["nic"]) & hashes["nic"]) - e_l - e_c:
        out.add("nic")
    return out


def check_matching(lic: dict, entry: dict, problems: list):
    if lic["machine"]["unbound"]:
        if "machine" in entry and ("matching" in entry or "proof" in entry):
            problems.append("matching or proof declared for an unbound license")
        return
    if "matching" in entry and "machine" in entry:
        matched = matched_classes(lic, entry["machine"])
        if set(entry["matching"]) != matched:
            problems.append("declared matching %s, recomputed %s" % (sorted(entry["matching"]), sorted(matched)))
    v2 = lic["machine"]["policy"] == POLICY_V2
    if "proof" in entry and not v2:
        problems.append("proof declared for a license of policy %s" % lic["machine"]["policy"])
    if v2 and "machine" in entry:
        if "proof" not in entry:
            problems.append("a license of policy airlock-match-v2 with a machine but no declared proof")
        else:
            proof = proof_classes(lic, entry["machine"])
            if set(entry["proof"]) != proof:
                problems.append("declared proof %s, recomputed %s" % (sorted(entry["proof"]), sorted(proof)))


def match_v1(lic: dict, current: dict):
    """FORMAT.md 5.1 after the container rule: None when the machine matches, else the detail."""
    m = lic["machine"]
    matched = matched_classes(lic, current)
    if "platform" not in matched:
        return "platform"
    strong = [c for c in CLASSES[1:] if c in m]
    good = [c for c in strong if c in matched]
    needed = len(strong) if len(strong) <= 2 else max(2, len(strong) - 1)
    if len(good) < needed:
        return "%d of %d strong classes" % (len(good), len(strong))
    if not HARDWARE & set(good):
        return "no hardware class"
    return None


def match_v2(lic: dict, current: dict):
    """FORMAT.md 5.2 steps 2-5 after the container rule: None when the machine matches, else the message."""
    m = lic["machine"]
    hashes = current_hashes(current, lic["key_id"], lic["product"])
    e_l = set(m.get("evidence_only", []))
    recorded = [c for c in CLASSES if c in m]
    matched = [c for c in recorded if set(m[c]) & hashes[c]]
    capable = [c for c in recorded if c in ("disk", "board") or (c == "nic" and set(m[c]) - e_l)]
    proofs = proof_classes(lic, current)
    n = len(recorded)
    needed = n if n <= 2 else n - 1
    if len(matched) < needed:
        return "only %d of %d components match, %d needed" % (len(matched), n, needed)
    if proofs:
        return None
    if capable:
        return "no hardware component matches (a changed disk with a copied system image looks like a clone)"
    return "the license records no hardware proof"


def check_revocations(lic: dict, entry: dict, folder: Path):
    """FORMAT.md 11.2 (3.2 step 10, after the clock): the list the product gives, the clock-state
    file's sequence (seen_sequence) and the license's min_revocation_sequence."""
    if "revocations" not in entry and "min_revocation_sequence" not in lic:
        return
    rev = None
    if "revocations" in entry:
        try:
            rev = read_revocation_list((folder / entry["revocations"]).read_bytes())
        except Reject as r:
            raise Reject("revocation_list_invalid", "revocations", "revocation list: %s: %s" % (r.reason, r.detail))
        if rev["product"] != entry["product"]:
            raise Reject("revocation_list_invalid", "revocations", "revocation list: for another product")
    if rev is not None and rev["sequence"] < entry.get("seen_sequence", 0):
        raise Reject("revocation_list_stale", "revocations", "older than the list already accepted")
    if "min_revocation_sequence" in lic and (rev is None or rev["sequence"] < lic["min_revocation_sequence"]):
        raise Reject("revocation_list_stale", "revocations", "no list of at least min_revocation_sequence")
    if lic["id"] in rev["revoked"]:
        raise Reject("revoked", "revocations", "")


def check_license(lic: dict, entry: dict, problems: list, folder: Path):
    """Step 10 for a parsed, signed license with the matching key id."""
    if lic["product"] != entry["product"]:
        raise Reject("wrong_product", "product", "")
    now = entry["now"]
    if unix(now) + 24 * 3600 < unix(lic["issued"]):
        raise Reject("clock_rolled_back", "clock", "")
    # A clock-state file (seen_sequence) holds the time `now`, so it never rolls the clock back here.
    check_revocations(lic, entry, folder)
    today = now.astimezone(UTC).date()
    if today < lic["not_before"]:
        raise Reject("not_yet_valid", "dates", "")
    if "expires" in lic and (today - lic["expires"]).days > entry.get("grace_days", 0):
        raise Reject("expired", "dates", "")
    if "updates_until" in lic and "build_date" in entry and entry["build_date"] > lic["updates_until"]:
        raise Reject("build_too_new", "maintenance", "")
    m = lic["machine"]
    if m["unbound"]:
        return
    current = entry.get("machine")
    if current is None:
        problems.append("a bound license reaches the machine step but the entry gives no [license.machine]")
        current = {}
    env = current.get("environment", "unknown")
    if env not in ("bare-metal", "vm", "container", "unknown"):
        problems.append("unknown environment %r in [license.machine]" % env)
    host_hardware = any(current.get(c) for c in HARDWARE if c in m)  # recorded classes only (FORMAT.md 5)
    if env == "container" and not (m["allow_container"] and host_hardware):
        raise Reject("unbindable_environment", "environment", "")
    failure = (match_v2 if m["policy"] == POLICY_V2 else match_v1)(lic, current)
    if failure is not None:
        raise Reject("machine_mismatch", "machine", failure)


def values_of(lic: dict) -> dict:
    out = {k: lic[k] for k in ("id", "key_id", "product", "licensee", "issued", "not_before", "expires",
                                "updates_until", "features", "supersedes", "min_revocation_sequence", "critical")
           if k in lic}
    m = lic["machine"]
    out["unbound"] = m["unbound"]
    if not m["unbound"]:
        out["policy"] = m["policy"]
        out["allow_container"] = m["allow_container"]
        out.update({c: m[c] for c in CLASSES + ["evidence_only"] if c in m})
    out["extensions"] = lic["extensions"]
    out["limits"] = lic.get("limits", {})
    out["meta"] = lic.get("meta", {})
    return out


def run_license(raw: bytes, entry: dict, problems: list, folder: Path) -> str:
    """The reason the model reaches; appends inconsistencies of the vector to `problems`."""
    expect = entry["expect"]
    lic = None
    try:
        if len(raw) > MAX_SIZE:
            raise malformed("size", "larger than 65536 bytes")
        text = normalize(raw)
        version_first(text, b"[license]")
        body, sig_key_id, sig = split_license(text)
        if sig_key_id != TRUSTED_ID:
            raise Reject("unknown_key", "key", sig_key_id)
        verified = openssl_verify(PREFIX + body, sig)
        if expect == "bad_signature" and verified:
            problems.append("openssl accepts the signature of a bad_signature file")
        if expect != "bad_signature" and not verified:
            problems.append("openssl rejects the signature, but the file is expected to pass step 7")
        if not verified:
            raise Reject("bad_signature", "signature", "")
        lic = parse_license_body(body)
        check_matching(lic, entry, problems)
        if lic["key_id"] != sig_key_id:
            raise Reject("key_id_mismatch", "key id", "")
        check_license(lic, entry, problems, folder)
        reason = "ok"
    except Reject as r:
        reason = r.reason
        if r.reason != expect:
            problems.append("the model says %s (%s: %s)" % (r.reason, r.step, r.detail))
    if reason == "ok" and expect != "ok":
        problems.append("the model accepts the file")
    if "values" in entry:
        if lic is None:
            problems.append("values given, but the body does not parse")
        else:
            whole = tomllib.loads(normalize(raw).decode("utf-8"))  # the whole file, signature table included
            if set(whole) != lic["top_tables"] | {"signature"}:
                problems.append("tomllib reads tables %s from the whole file" % sorted(whole))
            got = values_of(lic)
            if got != entry["values"]:
                diff = sorted(k for k in set(got) | set(entry["values"]) if got.get(k) != entry["values"].get(k))
                problems.append("tomllib reads other values than the manifest: %s" % ", ".join(diff))
    elif lic is not None and reason not in ("malformed", "unsupported_version"):
        problems.append("the body is well formed and signed, but the entry gives no values")
    return reason


def run_request(raw: bytes, entry: dict, problems: list, folder: Path) -> str:
    try:
        req = parse_request(raw)
        reason = "ok"
    except Reject as r:
        req = None
        reason = r.reason
        if r.reason != entry["expect"]:
            problems.append("the model says %s (%s: %s)" % (r.reason, r.step, r.detail))
    if reason == "ok" and entry["expect"] != "ok":
        problems.append("the model accepts the file")
    if "values" in entry:
        if req is None:
            problems.append("values given, but the request does not parse")
        else:
            got = {k: req[k] for k in ("product", "key_id", "created", "tool", "environment", "replaces") if k in req}
            got.update({c: req["machine"][c] for c in CLASSES + ["evidence_only"] if c in req["machine"]})
            if got != entry["values"]:
                problems.append("tomllib reads other values than the manifest")
    elif reason == "ok":
        problems.append("an accepted request without values")
    return reason


def run_revocation_list(raw: bytes, entry: dict, problems: list, folder: Path) -> str:
    expect = entry["expect"]

    def verified(ok):
        if expect == "bad_signature" and ok:
            problems.append("openssl accepts the signature of a bad_signature list")
        if expect != "bad_signature" and not ok:
            problems.append("openssl rejects the signature, but the list is expected to pass step 7")

    rev = None
    try:
        rev = read_revocation_list(raw, verified)
        reason = "ok"
    except Reject as r:
        reason = r.reason
        if r.reason != expect:
            problems.append("the model says %s (%s: %s)" % (r.reason, r.step, r.detail))
    if reason == "ok" and expect != "ok":
        problems.append("the model accepts the list")
    if reason == "key_id_mismatch":  # well formed and signed: the values are read all the same
        text = normalize(raw)
        rev = parse_revocation_body(split_license(text)[0])
    if "values" in entry:
        if rev is None:
            problems.append("values given, but the list does not parse")
        else:
            whole = tomllib.loads(normalize(raw).decode("utf-8"))
            if set(whole) != rev["top_tables"] | {"signature"}:
                problems.append("tomllib reads tables %s from the whole file" % sorted(whole))
            got = {k: rev[k] for k in ("key_id", "product", "sequence", "issued", "revoked", "critical",
                                       "extensions") if k in rev}
            if got != entry["values"]:
                diff = sorted(k for k in set(got) | set(entry["values"]) if got.get(k) != entry["values"].get(k))
                problems.append("tomllib reads other values than the manifest: %s" % ", ".join(diff))
    elif reason in ("ok", "key_id_mismatch"):
        problems.append("the list is well formed and signed, but the entry gives no values")
    return reason


def check_license_entry(entry: dict, folder: Path, problems: list):
    """The revocation fields of a license entry name a list that has its own entry."""
    if "revocations" in entry and not (folder / entry["revocations"]).is_file():
        problems.append("revocations names %s, which is not a file" % entry["revocations"])
    seen = entry.get("seen_sequence")
    if seen is not None and not (is_int(seen) and 0 <= seen <= INT64_MAX):
        problems.append("seen_sequence must be an integer 0 .. 2^63-1")


LICENSE_REASONS = ["ok", "malformed", "unsupported_version", "unknown_key", "bad_signature", "key_id_mismatch",
                   "wrong_product", "clock_rolled_back", "revocation_list_invalid", "revocation_list_stale",
                   "revoked", "not_yet_valid", "expired", "build_too_new", "unbindable_environment",
                   "machine_mismatch"]
REVOCATION_REASONS = ["ok", "malformed", "unsupported_version", "unknown_key", "bad_signature", "key_id_mismatch"]


def check_staleness(folder: Path) -> list:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, str(HERE / "make_conformance.py"), "--out", tmp],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return ["make_conformance.py failed: " + done.stderr.strip().splitlines()[-1:][0]
                    if done.stderr.strip() else "make_conformance.py failed"]
        fresh = Path(tmp)
        if not filecmp.cmp(fresh / "manifest.toml", folder / "manifest.toml", shallow=False):
            problems.append("manifest.toml differs from what make_conformance.py writes")
        for sub in ("licenses", "requests", "revocations"):
            a = sorted(p.name for p in (fresh / sub).glob("*"))
            b = sorted(p.name for p in (folder / sub).glob("*")) if (folder / sub).exists() else []
            for name in sorted(set(a) ^ set(b)):
                problems.append("%s/%s is %s" % (sub, name, "missing" if name in a else "not written by the generator"))
            for name in sorted(set(a) & set(b)):
                if not filecmp.cmp(fresh / sub / name, folder / sub / name, shallow=False):
                    problems.append("%s/%s differs from what make_conformance.py writes" % (sub, name))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every entry and the model's reason")
    parser.add_argument("--no-regenerate", action="store_true", help="skip the staleness check")
    parser.add_argument("--folder", type=Path, default=HERE, help="the folder holding manifest.toml")
    args = parser.parse_args()
    with open(args.folder / "manifest.toml", "rb") as f:
        manifest = tomllib.load(f)
    passed = failed = 0
    seen = set()
    listed = set()
    for kind, runner, reasons in (("license", run_license, LICENSE_REASONS),
                                  ("request", run_request, ["ok", "malformed", "unsupported_version"]),
                                  ("revocation_list", run_revocation_list, REVOCATION_REASONS)):
        for entry in manifest.get(kind, []):
            problems = []
            name = entry.get("file", "?")
            if name in seen:
                problems.append("listed twice")
            seen.add(name)
            if entry.get("expect") not in reasons:
                problems.append("unknown expect %r" % entry.get("expect"))
            if not entry.get("why") or "\n" in entry.get("why", ""):
                problems.append("why must be one line")
            try:
                raw = (args.folder / name).read_bytes()
            except OSError as e:
                problems.append(str(e))
                raw = None
            if kind == "license":
                check_license_entry(entry, args.folder, problems)
                if "revocations" in entry:
                    listed.add(entry["revocations"])
            reason = runner(raw, entry, problems, args.folder) if raw is not None and not problems else "?"
            if args.verbose:
                print("%-60s expect %-22s model %s" % (name, entry.get("expect"), reason))
            for p in problems:
                print("FAIL %s: %s" % (name, p))
            if problems:
                failed += 1
            else:
                passed += 1
    lists = {e.get("file") for e in manifest.get("revocation_list", [])}
    for name in sorted(listed - lists):
        print("FAIL %s: a license entry names it, but it has no [[revocation_list]] entry" % name)
        failed += 1
    if not args.no_regenerate:
        stale = check_staleness(args.folder)
        for p in stale:
            print("FAIL staleness: %s" % p)
        if stale:
            failed += 1
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
