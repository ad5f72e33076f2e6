#!/usr/bin/env python3
# SPDX-License-Identifier: CC0-1.0
"""Writes the Airlock conformance vectors: license and request files plus manifest.toml.

Every file is written here as text in the canonical layout (no Airlock code is used), so the
vectors are an independent statement of FORMAT.md. License bodies are
signed with `openssl pkeyutl` (Ed25519 is deterministic, so the output is byte-for-byte stable).

    python3 formats/vectors/make_conformance.py            # rewrites formats/vectors/{licenses,requests,revocations,manifest.toml}
    python3 formats/vectors/make_conformance.py --out DIR  # writes the same tree under DIR
    python3 formats/vectors/make_conformance.py --check    # exits 1 when the files here are not what it writes

Needs Python 3.8+ and the `openssl` command line (OpenSSL 3). See README.md for the manifest.
"""

import argparse
import base64
import dataclasses
import hashlib
import hmac
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
TRUSTED_PEM = HERE / "test_vendor_key.pem"
OTHER_PEM = HERE / "other_key.pem"  # a second public TEST key (see README.md), never trusted
TRUSTED_ID = "55946e28fb11b7ee"
OTHER_ID = "c6aa291e007fdfd3"
# other_key.pem is the Ed25519 key whose 32-byte seed is SHA-256 of this text; anyone can remake it.
OTHER_SEED_TEXT = b"airlock conformance vectors: other_key, a public TEST key, never trust it"

PREFIX = b"airlock-license-v1\n"
REV_PREFIX = b"airlock-revocations-v1\n"
REV_COMMENT = "# Airlock revocation list, format 1. It is signed: any edit, even of one byte, breaks the signature."
LICENSE_COMMENT = "# Airlock license file, format 1. It is signed: any edit, even of one byte, breaks the signature."
REQUEST_COMMENTS = [
    "# Airlock activation request, format 1. Send this file to your vendor to receive a license.",
    "# It holds only keyed hashes of hardware identifiers: no names, addresses or serial numbers.",
]
PRODUCT = "acme-studio"
NOW = "2025-06-01T12:00:00Z"
POLICY = "airlock-match-v1"
POLICY_V2 = "airlock-match-v2"
CLASSES = ["platform", "disk", "nic", "os", "board"]
MAX_SIZE = 65536
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1


# ---------------------------------------------------------------------------------------------
# Typed scalars for the manifest writer.


class Date(str):
    """A TOML local date, written bare: 2025-03-01."""


class DateTime(str):
    """A TOML offset date-time in UTC, written bare: 2025-03-01T09:15:00Z."""


class RevRef(str):
    """The name of a revocation-list case; the manifest writes the path of its file."""


# ---------------------------------------------------------------------------------------------
# Canonical TOML pieces (FORMAT.md section 2).

SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def q(text: str) -> str:
    """A string in its one canonical spelling."""
    out = []
    for ch in text:
        if ch in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def qa(items: List[str]) -> str:
    return "[" + ", ".join(q(x) for x in items) + "]"


# ---------------------------------------------------------------------------------------------
# Component hashes (FORMAT.md section 4, FORMAT.md section 4).


def product_salt(key_id: str, product: str) -> bytes:
    return hashlib.sha256(b"airlock-hwid-salt-v1\n" + key_id.encode() + b"\n" + product.encode()).digest()


def component_hash(key_id: str, product: str, cls: str, value: str) -> str:
    mac = hmac.new(product_salt(key_id, product), (cls + "\n" + value).encode(), hashlib.sha256).digest()
    return mac[:16].hex()


# Raw canonical identifiers of the machines the cases use (hwid/canonical.hpp, form v1).
SERVER = {
    "environment": "bare-metal",
    "platform": ["cpuid GenuineIntel family 6 model 85 stepping 7 brand Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz"],
    "disk": ["S3Z9NB0K123456", "WD-WCC4E1234567"],
    "nic": ["52:54:00:12:34:56"],
    "os": ["4c4c4544003957108052b4c04f4e3332"],
    "board": ["4c4c4544-0039-5710-8052-b4c04f4e3332"],
}


def machine(base: dict = None, **changes) -> dict:
    """A copy of `base` (SERVER) with classes replaced; a class set to None is unreadable."""
    out = {k: (list(v) if isinstance(v, list) else v) for k, v in (base or SERVER).items()}
    for k, v in changes.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def hashes_of(m: dict, key_id: str = TRUSTED_ID, product: str = PRODUCT, classes=None) -> Dict[str, List[str]]:
    """Sorted hashes per class, as a writer records them."""
    out = {}
    for cls in CLASSES:
        if cls in m and (classes is None or cls in classes):
            out[cls] = sorted(component_hash(key_id, product, cls, v) for v in m[cls])
    return out


# ---------------------------------------------------------------------------------------------
# Keys and signing.


class Signer:
    def __init__(self, pem: Path, key_id: str):
        self.pem = pem
        self.key_id = key_id
        self.cache: Dict[bytes, bytes] = {}

    def sign(self, message: bytes) -> bytes:
        if message not in self.cache:
            with tempfile.TemporaryDirectory() as tmp:
                msg, sig = os.path.join(tmp, "message.bin"), os.path.join(tmp, "sig.bin")
                with open(msg, "wb") as f:
                    f.write(message)
                subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", str(self.pem), "-rawin", "-in", msg,
                                "-out", sig], check=True, stdout=subprocess.DEVNULL)
                with open(sig, "rb") as f:
                    value = f.read()
            assert len(value) == 64, "openssl did not give a 64-byte Ed25519 signature"
            self.cache[message] = value
        return self.cache[message]


def check_other_key():
    """other_key.pem must be the key made from OTHER_SEED_TEXT (so it is reproducible)."""
    der = subprocess.run(["openssl", "pkey", "-in", str(OTHER_PEM), "-outform", "DER"], check=True,
                         capture_output=True).stdout
    seed = hashlib.sha256(OTHER_SEED_TEXT).digest()
    if der != bytes.fromhex("302e020100300506032b657004220420") + seed:
        sys.exit("other_key.pem is not the key made from OTHER_SEED_TEXT")
    pub = subprocess.run(["openssl", "pkey", "-in", str(OTHER_PEM), "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout[-32:]
    if hashlib.sha256(pub).hexdigest()[:16] != OTHER_ID:
        sys.exit("other_key.pem does not have key id " + OTHER_ID)


TRUSTED = Signer(TRUSTED_PEM, TRUSTED_ID)
OTHER = Signer(OTHER_PEM, OTHER_ID)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sig_table(signature: bytes, key_id: str = TRUSTED_ID, final_lf: bool = True) -> bytes:
    text = '[signature]\nalgorithm = "ed25519"\nkey_id = "%s"\nvalue = "%s"' % (key_id, b64(signature))
    return (text + ("\n" if final_lf else "")).encode()


def signed(body, signer: Signer = TRUSTED, key_id: str = None, final_lf: bool = True, prefix: bytes = PREFIX) -> bytes:
    """body || signature table, the signature over prefix (PREFIX for a license) || body."""
    if isinstance(body, str):
        body = body.encode()
    return body + sig_table(signer.sign(prefix + body), key_id or signer.key_id, final_lf)


SIGLEN = len(sig_table(bytes(64)))  # the signature table is always this long (4 lines, final LF)


def real_signature(body) -> bytes:
    if isinstance(body, str):
        body = body.encode()
    return TRUSTED.sign(PREFIX + body)


# ---------------------------------------------------------------------------------------------
# The license as data, and its canonical body.


@dataclasses.dataclass
class Lic:
    id: str = ""
    key_id: str = TRUSTED_ID
    product: str = PRODUCT
    licensee: str = "Example Corp"
    issued: str = "2025-03-01T09:15:00Z"
    not_before: str = "2025-03-01"
    expires: Optional[str] = None
    updates_until: Optional[str] = None
    features: List[str] = dataclasses.field(default_factory=lambda: ["export.pdf", "render"])
    limits: List[Tuple[str, int]] = dataclasses.field(default_factory=lambda: [("seats", 5)])
    meta: List[Tuple[str, str]] = dataclasses.field(default_factory=list)
    unbound: bool = True
    allow_container: bool = False
    hashes: Dict[str, List[str]] = dataclasses.field(default_factory=dict)
    comments: List[str] = dataclasses.field(default_factory=lambda: [LICENSE_COMMENT])
    policy: str = POLICY
    evidence_only: Optional[List[str]] = None  # [machine] evidence_only, written last when not None
    supersedes: Optional[str] = None
    min_revocation_sequence: Optional[int] = None
    critical: Optional[List[str]] = None
    # Extensions (FORMAT.md 8.1): (key, value as written) at the end of [license] and of [machine], and
    # (name, [(key, value as written)]) tables after [machine].
    license_ext: List[Tuple[str, str]] = dataclasses.field(default_factory=list)
    machine_ext: List[Tuple[str, str]] = dataclasses.field(default_factory=list)
    ext_tables: List[Tuple[str, List[Tuple[str, str]]]] = dataclasses.field(default_factory=list)


def body_of(lic: Lic) -> str:
    lines = list(lic.comments)
    lines += ["[license]", "format = 1", "id = " + q(lic.id), "key_id = " + q(lic.key_id),
              "product = " + q(lic.product), "licensee = " + q(lic.licensee), "issued = " + lic.issued,
              "not_before = " + lic.not_before]
    if lic.expires is not None:
        lines.append("expires = " + lic.expires)
    if lic.updates_until is not None:
        lines.append("updates_until = " + lic.updates_until)
    lines.append("features = " + qa(lic.features))
    if lic.supersedes is not None:
        lines.append("supersedes = " + q(lic.supersedes))
    if lic.min_revocation_sequence is not None:
        lines.append("min_revocation_sequence = %d" % lic.min_revocation_sequence)
    if lic.critical is not None:
        lines.append("critical = " + qa(lic.critical))
    lines += ["%s = %s" % kv for kv in lic.license_ext]
    if lic.limits:
        lines += ["", "[license.limits]"] + ["%s = %d" % (k, v) for k, v in lic.limits]
    if lic.meta:
        lines += ["", "[license.meta]"] + ["%s = %s" % (k, q(v)) for k, v in lic.meta]
    lines += ["", "[machine]"]
    if lic.unbound:
        lines.append("unbound = true")
    else:
        lines += ["unbound = false", "policy = " + q(lic.policy),
                  "allow_container = " + ("true" if lic.allow_container else "false")]
        lines += ["%s = %s" % (c, qa(lic.hashes[c])) for c in CLASSES if c in lic.hashes]
        if lic.evidence_only is not None:
            lines.append("evidence_only = " + qa(lic.evidence_only))
    lines += ["%s = %s" % kv for kv in lic.machine_ext]
    lines += ext_table_lines(lic.ext_tables)
    return "\n".join(lines) + "\n\n"


def ext_table_lines(tables) -> List[str]:
    out = []
    for name, keys in tables:
        out += ["", "[%s]" % name] + ["%s = %s" % kv for kv in keys]
    return out


def ext_names(place_keys, tables) -> List[str]:
    """The manifest's `extensions`: PLACE.KEY for each extension key, then each table name, in file order."""
    return ["%s.%s" % (place, k) for place, keys in place_keys for k, _ in keys] + [name for name, _ in tables]


def values_of(lic: Lic) -> dict:
    v = {"id": lic.id, "key_id": lic.key_id, "product": lic.product, "licensee": lic.licensee,
         "issued": DateTime(lic.issued), "not_before": Date(lic.not_before)}
    if lic.expires is not None:
        v["expires"] = Date(lic.expires)
    if lic.updates_until is not None:
        v["updates_until"] = Date(lic.updates_until)
    v["features"] = list(lic.features)
    if lic.supersedes is not None:
        v["supersedes"] = lic.supersedes
    if lic.min_revocation_sequence is not None:
        v["min_revocation_sequence"] = lic.min_revocation_sequence
    if lic.critical is not None:
        v["critical"] = list(lic.critical)
    v["unbound"] = lic.unbound
    if not lic.unbound:
        v["policy"] = lic.policy
        v["allow_container"] = lic.allow_container
        for c in CLASSES:
            if c in lic.hashes:
                v[c] = list(lic.hashes[c])
        if lic.evidence_only is not None:
            v["evidence_only"] = list(lic.evidence_only)
    v["extensions"] = ext_names([("license", lic.license_ext), ("machine", lic.machine_ext)], lic.ext_tables)
    v["limits"] = dict(lic.limits)
    v["meta"] = dict(lic.meta)
    return v


def lid(name: str) -> str:
    """A license id of the generated kind (32 lowercase hex), fixed per case name."""
    return hashlib.sha256(b"airlock conformance " + name.encode()).hexdigest()[:32]


def bound(m: dict = None, **kw) -> Lic:
    m = m or SERVER
    lic = Lic(unbound=False, **kw)
    lic.hashes = hashes_of(m, lic.key_id, lic.product)
    return lic


def replace_once(data, old, new):
    if isinstance(data, str):
        data = data.encode()
    if isinstance(old, str):
        old = old.encode()
    if isinstance(new, str):
        new = new.encode()
    assert data.count(old) == 1, "replace_once: %r found %d times" % (old, data.count(old))
    return data.replace(old, new)


# ---------------------------------------------------------------------------------------------
# The case registry.


@dataclasses.dataclass
class Case:
    kind: str  # "license", "request" or "revocation" (a revocation list)
    name: str
    group: str
    expect: str
    why: str
    data: bytes
    context: dict
    machine: Optional[dict]
    matching: Optional[List[str]]
    values: Optional[dict]
    proof: Optional[List[str]] = None  # policy v2: the recorded classes that are proofs on `machine`


CASES: List[Case] = []
NAMES = set()


def add(kind, name, group, expect, why, data, *, product=PRODUCT, now=NOW, build_date=None, grace_days=None,
        revocations=None, seen_sequence=None, machine_=None, matching=None, values=None, proof=None):
    assert (kind, name) not in NAMES, name
    assert "\n" not in why
    NAMES.add((kind, name))
    if isinstance(data, str):
        data = data.encode()
    ctx = {}
    if kind == "license":
        ctx = {"product": product, "now": DateTime(now)}
        if build_date is not None:
            ctx["build_date"] = Date(build_date)
        if grace_days is not None:
            ctx["grace_days"] = grace_days
        if revocations is not None:
            ctx["revocations"] = RevRef(revocations)  # the name of a revocation-list case, a path in the manifest
        if seen_sequence is not None:
            ctx["seen_sequence"] = seen_sequence
    CASES.append(Case(kind, name, group, expect, why, data, ctx, machine_, matching, values, proof))


def lic_ok(name, group, why, lic: Lic, *, expect="ok", data=None, machine_=None, matching=None, proof=None, **ctx):
    """A well-formed, correctly signed license; the reader must return its values."""
    if not lic.id:
        lic.id = lid(name)
    if data is None:
        data = signed(body_of(lic))
    if not lic.unbound:
        machine_ = machine_ if machine_ is not None else SERVER
        matching = matching if matching is not None else list(lic.hashes)
    assert (proof is not None) == (not lic.unbound and lic.policy == POLICY_V2), name
    ctx.setdefault("product", lic.product)
    add("license", name, group, expect, why, data, machine_=machine_, matching=matching, values=values_of(lic),
        proof=proof, **ctx)


def now_ok(name, group, why, lic: Lic, old_body, **kw):
    """A case that FORMAT.md 8.1 turned from a rejection into an accepted file: the bytes stay those of old_body."""
    assert body_of(lic).encode() == (old_body if isinstance(old_body, bytes) else old_body.encode()), name
    lic_ok(name, group, why, lic, **kw)


def lic_bad(name, group, why, body, *, expect="malformed", signer=TRUSTED, **ctx):
    """A body (as given, correctly signed by the trusted key unless said otherwise) that must fail."""
    add("license", name, group, expect, why, signed(body, signer), **ctx)


def base(name, **kw) -> Lic:
    kw.setdefault("id", lid(name))
    return Lic(**kw)


def mutated(name, old, new, lic: Lic = None) -> bytes:
    lic = lic or base(name)
    if not lic.id:
        lic.id = lid(name)
    return replace_once(body_of(lic), old, new)


# ---------------------------------------------------------------------------------------------
# License cases.


def accepted_cases():
    g = "accepted"
    lic_ok("ok-unbound-minimal", g, "unbound perpetual license with no limits, no features", base(
        "ok-unbound-minimal", features=[], limits=[]))
    golden = Lic(id="0b8e4c52a7f94d1e9c3a6b2d5f708e41", features=[], limits=[])
    lic_ok("ok-golden-unbound", g, "the body of license_unbound.toml (same bytes, same signature)", golden)
    assert CASES[-1].data == (HERE / "license_unbound.toml").read_bytes(), "license_unbound.toml differs"
    lic_ok("ok-unbound-typical", g, "unbound license with features and a seat limit", base("ok-unbound-typical"))
    full = bound(expires="2026-02-28", updates_until="2025-12-31", licensee="Müller & Söhne GmbH",
                 features=["export.pdf", "render", "render.gpu"], limits=[("seats", 5), ("workers", 16)],
                 meta=[("note", 'tab\there "quoted" back\\slash esc\x1b ☃'), ("order", "SO-1042")])
    lic_ok("ok-bound-full", g, "bound license with every optional part: expiry, updates, limits, meta, five classes",
           full, build_date="2025-11-30")
    lic_ok("ok-no-comment", g, "no comment line at the top: comments are optional", base("ok-no-comment", comments=[]))
    lic_ok("ok-many-comments", g, "several comment lines before [license], one empty, one non-ASCII",
           base("ok-many-comments", comments=[LICENSE_COMMENT, "#", "# Grüße ☃ — note", "#format = 2"]))
    lic_ok("ok-comment-c1", g, "a comment may hold any character but controls of C0 and DEL (C1 is non-ASCII text)",
           base("ok-comment-c1", comments=[LICENSE_COMMENT, "# \u0085 next-line \u009f"]))

    lic = base("ok-bom")
    add("license", "ok-bom", g, "ok", "a leading UTF-8 BOM is dropped before anything else",
        b"\xef\xbb\xbf" + signed(body_of(lic)), values=values_of(lic))
    lic = base("ok-crlf")
    add("license", "ok-crlf", g, "ok", "CRLF line endings everywhere; the signature covers the LF form",
        signed(body_of(lic)).replace(b"\n", b"\r\n"), values=values_of(lic))
    lic = base("ok-bom-crlf")
    add("license", "ok-bom-crlf", g, "ok", "BOM and CRLF together",
        b"\xef\xbb\xbf" + signed(body_of(lic)).replace(b"\n", b"\r\n"), values=values_of(lic))
    lic = base("ok-crlf-some-lines")
    text = signed(body_of(lic)).split(b"\n")
    mixed = b"".join(line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(text[:-1]))
    add("license", "ok-crlf-some-lines", g, "ok", "CRLF on every other line only", mixed, values=values_of(lic))
    lic = base("ok-crlf-signature-only")
    body = body_of(lic).encode()
    add("license", "ok-crlf-signature-only", g, "ok", "CRLF only in the signature table",
        body + signed(body)[len(body):].replace(b"\n", b"\r\n"), values=values_of(lic))
    lic = base("ok-no-final-lf")
    add("license", "ok-no-final-lf", g, "ok", "the final LF after the value line is optional",
        signed(body_of(lic), final_lf=False), values=values_of(lic))
    lic = base("ok-crlf-no-final-lf")
    add("license", "ok-crlf-no-final-lf", g, "ok", "CRLF file without the final line ending",
        signed(body_of(lic), final_lf=False).replace(b"\n", b"\r\n"), values=values_of(lic))

    # Dates and the calendar.
    lic_ok("ok-dates-0001", g, "year 0001 is the first valid year (issued and not_before)",
           base("ok-dates-0001", issued="0001-01-01T00:00:00Z", not_before="0001-01-01"))
    lic_ok("ok-dates-9999", g, "expires and updates_until on 9999-12-31, the last valid day",
           base("ok-dates-9999", expires="9999-12-31", updates_until="9999-12-31"), build_date="2025-05-01")
    lic_ok("ok-issued-9999", g, "issued 9999-12-31T23:59:59Z, the last valid instant, checked on that day",
           base("ok-issued-9999", issued="9999-12-31T23:59:59Z", not_before="9999-12-31"),
           now="9999-12-31T12:00:00Z")
    lic_ok("ok-leap-day", g, "2024-02-29 is a real date", base("ok-leap-day", not_before="2024-02-29",
                                                               issued="2024-02-29T23:59:59Z"))
    lic_ok("ok-leap-2000", g, "2000-02-29 is a real date (divisible by 400)",
           base("ok-leap-2000", not_before="2000-02-29", issued="2000-02-29T00:00:00Z", expires="2100-02-28"))
    lic_ok("ok-expires-equals-not-before", g, "a one-day license: expires = not_before, checked on that day",
           base("ok-expires-equals-not-before", not_before="2025-06-01", expires="2025-06-01",
                issued="2025-05-20T00:00:00Z"))
    lic_ok("ok-updates-until-equals-not-before", g, "updates_until = not_before is allowed",
           base("ok-updates-until-equals-not-before", updates_until="2025-03-01"), build_date="2025-03-01")
    lic_ok("ok-updates-until-after-expires", g, "updates_until may be later than expires",
           base("ok-updates-until-after-expires", expires="2025-12-31", updates_until="2026-12-31"),
           build_date="2026-01-01")
    lic_ok("ok-midnight-issued", g, "issued at 00:00:00Z and a time of 23:59:59 elsewhere",
           base("ok-midnight-issued", issued="2025-03-01T00:00:00Z"), now="2025-03-01T23:59:59Z")

    # Identifiers and text.
    lic_ok("ok-id-one-char", g, "an id of one character", base("ok-id-one-char", id="x"))
    lic_ok("ok-id-64-chars", g, "an id of 64 characters", base("ok-id-64-chars", id="A" * 32 + "z" * 32))
    lic_ok("ok-id-all-classes", g, "an id using every allowed character class: A-Z a-z 0-9 . _ -",
           base("ok-id-all-classes", id="ACME-2025_order.17-zZ09"))
    lic_ok("ok-product-128-bytes", g, "product of exactly 128 bytes (the product passes the same string)",
           base("ok-product-128-bytes", product="p" * 128))
    lic_ok("ok-product-128-bytes-utf8", g, "product of 128 bytes in multi-byte characters (42 snowmen + 2)",
           base("ok-product-128-bytes-utf8", product="☃" * 42 + "ab"))
    lic_ok("ok-product-non-ascii", g, "non-ASCII product name, compared byte for byte",
           base("ok-product-non-ascii", product="Über-Studio 😀"))
    lic_ok("ok-licensee-256-bytes", g, "licensee of exactly 256 bytes", base("ok-licensee-256-bytes",
                                                                              licensee="L" * 256))
    lic_ok("ok-licensee-4-byte-utf8", g, "licensee with 4-byte UTF-8 characters", base(
        "ok-licensee-4-byte-utf8", licensee="Emoji 😀 Ltd 𝄞"))
    lic_ok("ok-licensee-nbsp", g, "U+00A0 (first character after the C1 block) is allowed in licensee",
           base("ok-licensee-nbsp", licensee="Example\u00a0Corp"))
    lic_ok("ok-licensee-256-bytes-escaped", g, "256 escaped quotes: 512 characters in the file, 256 bytes",
           base("ok-licensee-256-bytes-escaped", licensee='"' * 256))
    lic_ok("ok-licensee-escapes", g, 'licensee with \\" and \\\\ escapes (not control characters)',
           base("ok-licensee-escapes", licensee='The "Best" Corp \\ Co'))
    lic_ok("ok-licensee-max-code-point", g, "U+10FFFF and U+FFFF are valid non-ASCII text",
           base("ok-licensee-max-code-point", licensee="edge \U0010ffff \uffff"))

    # Features.
    lic_ok("ok-features-none", g, "features = [] (an empty set)", base("ok-features-none", features=[]))
    lic_ok("ok-features-byte-order", g, "features sorted by bytes: '-' < '.' < '0' < '_' < 'a'",
           base("ok-features-byte-order", features=["a-b", "a.b", "a0", "a_b", "ab"]))
    lic_ok("ok-feature-digit-first", g, "a feature name may start with a digit",
           base("ok-feature-digit-first", features=["0day", "3d.export"]))
    lic_ok("ok-feature-64-chars", g, "a feature name of 64 characters", base("ok-feature-64-chars",
                                                                               features=["f" * 64]))
    lic_ok("ok-features-128", g, "128 features, the most allowed",
           base("ok-features-128", features=["f%03d" % i for i in range(128)]))
    lic_ok("ok-features-prefix-order", g, "a name sorts before its extensions: render < render.gpu",
           base("ok-features-prefix-order", features=["render", "render.gpu", "render.gpu.rtx"]))

    # Limits and meta.
    lic_ok("ok-limits-zero", g, "a limit of 0", base("ok-limits-zero", limits=[("seats", 0)]))
    lic_ok("ok-limits-int64-max", g, "a limit of 9223372036854775807",
           base("ok-limits-int64-max", limits=[("max", 9223372036854775807)]))
    lic_ok("ok-limits-byte-order", g, "limit keys sorted by bytes: '-' < digits < upper < '_' < lower",
           base("ok-limits-byte-order", limits=[("-x", 1), ("0", 2), ("B", 3), ("Z_", 4), ("_a", 5), ("a", 6)]))
    lic_ok("ok-limits-64", g, "64 limits, the most allowed",
           base("ok-limits-64", limits=[("l%02d" % i, i) for i in range(64)]))
    lic_ok("ok-limits-key-64-chars", g, "a limit key of 64 characters", base("ok-limits-key-64-chars",
                                                                               limits=[("k" * 64, 1)]))
    lic_ok("ok-limit-named-format", g, "a limit called format = 2 is data, not a version (only [license] counts)",
           base("ok-limit-named-format", limits=[("format", 2), ("seats", 5)]))
    lic_ok("ok-meta-only", g, "meta without limits", base("ok-meta-only", limits=[], meta=[("order", "SO-1")]))
    lic_ok("ok-meta-controls", g, "meta holds escaped controls U+0001, U+001F, U+007F and every short escape",
           base("ok-meta-controls", meta=[("c", "\x01\x1f\x7f\b\t\n\f\r\"\\")]))
    lic_ok("ok-meta-c1-raw", g, "meta may hold C1 characters (written as themselves)",
           base("ok-meta-c1-raw", meta=[("c1", "a\u0080b\u0085c\u009f")]))
    lic_ok("ok-meta-empty-value", g, "an empty meta value", base("ok-meta-empty-value", meta=[("empty", "")]))
    lic_ok("ok-meta-1024-bytes", g, "a meta value of 1024 bytes", base("ok-meta-1024-bytes",
                                                                        meta=[("big", "m" * 1024)]))
    lic_ok("ok-meta-1024-bytes-utf8", g, "a meta value of 1024 bytes in 3-byte characters (341 snowmen + 1)",
           base("ok-meta-1024-bytes-utf8", meta=[("big", "☃" * 341 + "m")]))
    lic_ok("ok-meta-1024-bytes-escaped", g, "1024 bytes after unescaping, 2048 characters in the file",
           base("ok-meta-1024-bytes-escaped", meta=[("big", "\n" * 1024)]))
    lic_ok("ok-meta-64", g, "64 meta entries, the most allowed",
           base("ok-meta-64", meta=[("m%02d" % i, str(i)) for i in range(64)]))
    lic_ok("ok-meta-bom-char", g, "U+FEFF inside a meta value is text, not a BOM",
           base("ok-meta-bom-char", meta=[("zw", "a\ufeffb")]))
    lic_ok("ok-meta-hash-char", g, "a '#' inside a string is not a comment",
           base("ok-meta-hash-char", meta=[("note", "# not a comment")]))
    lic_ok("ok-meta-signature-text", g, "a meta value that reads [signature] (escaped LF keeps it one line)",
           base("ok-meta-signature-text", meta=[("note", "x\n[signature]\n")]))

    # Bound variants.
    lic_ok("ok-bound-platform-disk", g, "bound to platform and disk only", bound(
        machine(os=None, nic=None, board=None)), machine_=SERVER, matching=["platform", "disk"])
    lic_ok("ok-bound-platform-board", g, "bound to platform and board only (board is hardware)",
           bound(machine(disk=None, nic=None, os=None)), machine_=SERVER, matching=["platform", "board"])
    lic_ok("ok-bound-allow-container-bare-metal", g, "allow_container = true has no effect on bare metal",
           bound(allow_container=True))
    many = machine(disk=["DISK%02d" % i for i in range(16)], nic=["02:00:00:00:00:%02x" % i for i in range(16)])
    lic_ok("ok-bound-16-hashes", g, "16 hashes in disk and nic, the most allowed", bound(many), machine_=many,
           matching=CLASSES)
    lic = bound()
    lic.hashes["disk"] = list(reversed(lic.hashes["disk"]))
    lic_ok("ok-bound-unsorted-hashes", g, "hashes within a class need not be sorted", lic)
    lic = bound(machine(board=None))
    lic.hashes["board"] = list(lic.hashes["os"])
    lic_ok("ok-bound-same-hash-two-classes", g, "the same hash in two classes is allowed (distinct within a class)",
           lic, matching=["platform", "disk", "nic", "os"])
    lic_ok("ok-bound-vm", g, "bound license checked in a VM", bound(machine(environment="vm")),
           machine_=machine(environment="vm"))
    lic_ok("ok-bound-expires-build", g, "bound license with expiry and updates window, all checks pass",
           bound(expires="2025-12-31", updates_until="2025-09-30"), build_date="2025-09-30")

    # Sizes and line counts.
    lic = sized_license("ok-size-65536", MAX_SIZE)
    data = signed(body_of(lic))
    assert len(data) == MAX_SIZE
    add("license", "ok-size-65536", g, "ok", "a file of exactly 65536 bytes", data, values=values_of(lic))
    lic = sized_license("ok-size-65536-bom", MAX_SIZE - 3)
    data = b"\xef\xbb\xbf" + signed(body_of(lic))
    assert len(data) == MAX_SIZE
    add("license", "ok-size-65536-bom", g, "ok", "65536 bytes counting a BOM", data, values=values_of(lic))
    lic = sized_license("ok-size-65536-crlf", MAX_SIZE, crlf=True)
    data = signed(body_of(lic)).replace(b"\n", b"\r\n")
    assert len(data) == MAX_SIZE, len(data)
    add("license", "ok-size-65536-crlf", g, "ok", "65536 bytes with CRLF line endings", data, values=values_of(lic))
    lic = lined_license("ok-body-1024-lines", 1024)
    add("license", "ok-body-1024-lines", g, "ok", "a body of 1024 lines (the file has 1028)",
        signed(body_of(lic)), values=values_of(lic))


def sized_license(name: str, size: int, crlf: bool = False) -> Lic:
    """A valid license whose signed file is exactly `size` bytes (after CRLF conversion if asked)."""
    lic = Lic(id=lid(name), meta=[("m%02d" % i, chr(ord("a") + i % 26) * 1024) for i in range(62)])
    lic.meta.append(("pad", ""))

    def total(n):
        lic.meta[-1] = ("pad", "p" * n)
        body = body_of(lic).encode()
        return len(body) + SIGLEN + (body.count(b"\n") + 4 if crlf else 0)

    need = size - total(0)
    assert 0 <= need <= 1024, need
    total(need)
    return lic


def lined_license(name: str, lines: int) -> Lic:
    lic = Lic(id=lid(name))
    have = body_of(lic).count("\n")
    lic.comments = [LICENSE_COMMENT] + ["# line %04d" % i for i in range(lines - have)]
    assert body_of(lic).count("\n") == lines
    return lic


def version_cases():
    g = "version"
    for value, why in [("2", "format = 2 is a later version"), ("0", "format = 0 is another version"),
                       ("-1", "a negative canonical integer is another version"),
                       ("9223372036854775807", "the largest int64 is another version"),
                       ("-9223372036854775808", "the smallest int64 is another version")]:
        name = "version-" + {"9223372036854775807": "int64-max", "-9223372036854775808": "int64-min",
                             "-1": "minus-1"}.get(value, value)
        lic_bad(name, g, why, mutated(name, "format = 1\n", "format = %s\n" % value), expect="unsupported_version")
    body = mutated("version-2-extra-signature-line", "format = 1\n", "format = 2\n")
    add("license", "version-2-extra-signature-line", g, "unsupported_version",
        "format = 2 wins over a signature table with a fourth line", signed(body) + b'comment = "v2 adds lines"\n')
    body = mutated("version-2-unknown-tables", "format = 1\n", "format = 2\n")
    body = replace_once(body, b"\n[machine]\n", b"\n[license.seats]\nfloating = 3\n\n[machine]\n")
    body += b"[tpm]\nekpub = 'single-quoted'\n\n"
    lic_bad("version-2-unknown-tables", g, "format = 2 wins over unknown tables and a literal string",
            body, expect="unsupported_version")
    body = b"[license]\nformat = 2\n\tanything = {goes = 'here'}\n\n"
    lic_bad("version-2-unparsable-rest", g, "format = 2 wins over a rest that is not TOML of version 1",
            body, expect="unsupported_version")
    body = mutated("version-2-no-blank-line", "format = 1\n", "format = 2\n")
    lic_bad("version-2-no-blank-line", g, "format = 2 wins over a body without the blank line before [signature]",
            body[:-1], expect="unsupported_version")
    body = mutated("version-2-no-signature", "format = 1\n", "format = 2\n")
    add("license", "version-2-no-signature", g, "unsupported_version",
        "format = 2 wins over a missing [signature] line", body)
    body = mutated("version-2-bad-signature", "format = 1\n", "format = 2\n")
    add("license", "version-2-bad-signature", g, "unsupported_version",
        "format = 2 is reported before the signature is checked",
        body + sig_table(real_signature(body + b"x")))
    body = mutated("version-2-unknown-key", "format = 1\n", "format = 2\n")
    lic_bad("version-2-unknown-key", g, "format = 2 is reported before the key lookup", body,
            expect="unsupported_version", signer=OTHER)
    body = mutated("version-2-ed448", "format = 1\n", "format = 2\n")
    add("license", "version-2-ed448", g, "unsupported_version", "format = 2 with a future algorithm table",
        body + b'[signature]\nalgorithm = "ed448"\nkey_id = "55946e28fb11b7ee"\n')
    body = mutated("version-2-bom-crlf", "format = 1\n", "format = 2\n")
    add("license", "version-2-bom-crlf", g, "unsupported_version", "format = 2 read after BOM and CRLF normalization",
        b"\xef\xbb\xbf" + signed(body).replace(b"\n", b"\r\n"))
    body = mutated("version-2-after-comments", "format = 1\n", "format = 2\n",
                   base("version-2-after-comments", comments=[LICENSE_COMMENT, "# a", "# b"]))
    lic_bad("version-2-after-comments", g, "comment lines at the top are skipped before [license]", body,
            expect="unsupported_version")
    body = mutated("version-2-bad-comment", "format = 1\n", "format = 2\n",
                   base("version-2-bad-comment", comments=[LICENSE_COMMENT, "#\ttab in a comment"]))
    lic_bad("version-2-bad-comment", g, "format = 2 wins even when a skipped comment line is invalid", body,
            expect="unsupported_version")

    for name, value, why in [
            ("version-leading-zero", "01", "01 is not a canonical integer"),
            ("version-plus", "+1", "+1 is not a canonical integer"),
            ("version-minus-zero", "-0", "-0 is not a canonical integer"),
            ("version-float", "1.0", "1.0 is a float, not a version"),
            ("version-string", '"1"', "a string is not a version"),
            ("version-int64-overflow", "9223372036854775808", "2^63 is outside int64"),
            ("version-int64-underflow", "-9223372036854775809", "-2^63-1 is outside int64"),
            ("version-leading-zero-2", "02", "02 is not a canonical integer (not unsupported_version)"),
            ("version-empty", "", "an empty value"),
            ("version-trailing-space", "1 ", "the rest of the line must be exactly 1"),
            ("version-2-trailing-space", "2 ", "2 followed by a space is not a canonical integer"),
            ("version-comment", "1 # v1", "a comment after the value"),
            ("version-2-comment", "2 # future", "2 with a comment after it is not a canonical integer"),
            ("version-hex", "0x1", "a hexadecimal integer"),
            ("version-underscore", "1_0", "an underscore in the integer"),
            ("version-true", "true", "a boolean"),
            ("version-array", "[1]", "an array")]:
        lic_bad(name, g, why, mutated(name, "format = 1\n", "format = %s\n" % value))
    lic_bad("version-missing", g, "the line after [license] is not format (format line removed)",
            mutated("version-missing", "format = 1\n", ""))
    lic_bad("version-missing-format-in-limits", g, "no format line in [license]; a format = 2 limit does not count",
            mutated("version-missing-format-in-limits", "format = 1\n", "",
                    base("version-missing-format-in-limits", limits=[("format", 2), ("seats", 5)])))
    lic_bad("version-after-id", g, "format must be the first key of [license]",
            mutated("version-after-id", "format = 1\nid = ", "id = ").replace(b'Corp"\n', b'Corp"\nformat = 1\n'))
    lic_bad("version-no-spaces", g, "format=1 does not start with 'format = '",
            mutated("version-no-spaces", "format = 1\n", "format=1\n"))
    lic_bad("version-two-spaces", g, "format  = 1 does not start with 'format = '",
            mutated("version-two-spaces", "format = 1\n", "format  = 1\n"))
    lic_bad("version-indented", g, "an indented format line", mutated("version-indented", "format = 1\n",
                                                                      " format = 1\n"))
    lic_bad("version-lone-cr", g, "format = 2 CR CR LF: after normalization the value is '2' CR, not an integer",
            mutated("version-lone-cr", "format = 1\n", "format = 2\r\r\n"))
    lic_bad("version-duplicate", g, "a second format key (format = 2) in [license] is a duplicate key",
            mutated("version-duplicate", "format = 1\n", "format = 1\nformat = 2\n"))
    lic_bad("version-first-table-machine", g, "the first table is not [license]",
            mutated("version-first-table-machine", "[license]\n", "[machine]\n"))
    lic_bad("version-first-line-blank", g, "a blank line before [license] (not a comment line)",
            mutated("version-first-line-blank", LICENSE_COMMENT + "\n", LICENSE_COMMENT + "\n\n"))
    lic_bad("version-header-space", g, "'[license] ' is not exactly [license]",
            mutated("version-header-space", "[license]\n", "[license] \n"))
    lic_bad("version-header-quoted", g, "'[\"license\"]' is not exactly [license]",
            mutated("version-header-quoted", "[license]\n", '["license"]\n'))
    lic_bad("version-format-in-meta", g, "a format = 2 line in [license.meta] is no version, and meta holds strings",
            body_of(base("version-format-in-meta", meta=[("a", "x")])).replace('a = "x"', "format = 2"))
    now_ok("version-format-in-machine", g, "a format = 2 line in [machine] is no version but an extension key of "
           "[machine] (8.1)", base("version-format-in-machine", machine_ext=[("format", "2")]),
           mutated("version-format-in-machine", "unbound = true\n", "unbound = true\nformat = 2\n"))
    lic_bad("version-only-comments", g, "a file of comment lines only",
            LICENSE_COMMENT + "\n# format = 2\n")
    add("license", "version-empty-file", g, "malformed", "an empty file", b"")
    add("license", "version-bom-only", g, "malformed", "a BOM and nothing else", b"\xef\xbb\xbf")
    add("license", "version-license-line-only", g, "malformed", "[license] and nothing after it",
        b"[license]\n")
    lic = base("version-double-bom")
    add("license", "version-double-bom", g, "malformed", "only one BOM is dropped; the second starts the first line",
        b"\xef\xbb\xbf\xef\xbb\xbf" + signed(body_of(lic)))
    lic = base("version-utf16-bom")
    add("license", "version-utf16-bom", g, "malformed", "a UTF-16 BOM is not dropped",
        b"\xff\xfe" + signed(body_of(lic)))
    lic_bad("version-signature-first", g, "a file that starts with [signature] has no [license] first",
            b"[signature]\n\n" + body_of(base("version-signature-first")).encode())

    # [machine] policy: the other version field.
    for name, value, why in [("policy-v3", "airlock-match-v3", "a later matching policy"),
                             ("policy-uppercase", "AIRLOCK-MATCH-V1", "policy names are compared exactly"),
                             ("policy-empty", "", "an empty policy is another policy")]:
        lic = bound(id=lid(name))
        lic_bad(name, g, why, replace_once(body_of(lic), '"%s"' % POLICY, q(value)), expect="unsupported_version")


def envelope_cases():
    g = "envelope"
    # Size (step 1).
    lic = sized_license("size-65537", MAX_SIZE + 1)
    data = signed(body_of(lic))
    assert len(data) == MAX_SIZE + 1
    add("license", "size-65537", g, "malformed", "a correctly signed license of 65537 bytes is too large", data)
    lic = sized_license("size-65536-version-2", MAX_SIZE)
    data = signed(replace_once(body_of(lic), "format = 1\n", "format = 2\n"))
    assert len(data) == MAX_SIZE
    add("license", "size-65536-version-2", g, "unsupported_version",
        "65536 bytes pass the size check: the content decides (format = 2)", data)
    lic = sized_license("size-65537-version-2", MAX_SIZE + 1)
    data = signed(replace_once(body_of(lic), "format = 1\n", "format = 2\n"))
    add("license", "size-65537-version-2", g, "malformed", "the size is checked before the version", data)
    lic = sized_license("size-65537-bom", MAX_SIZE - 2)
    data = b"\xef\xbb\xbf" + signed(body_of(lic))
    assert len(data) == MAX_SIZE + 1
    add("license", "size-65537-bom", g, "malformed", "the size counts the BOM (checked before normalization)", data)
    lic = sized_license("size-65537-crlf", MAX_SIZE + 1, crlf=True)
    data = signed(body_of(lic)).replace(b"\n", b"\r\n")
    assert len(data) == MAX_SIZE + 1
    add("license", "size-65537-crlf", g, "malformed", "the size counts CR bytes (checked before normalization)", data)

    # Line count of the body.
    lic = lined_license("body-1025-lines", 1025)
    add("license", "body-1025-lines", g, "malformed", "a body of 1025 lines", signed(body_of(lic)))

    # Split (step 4).
    lic_bad_unsigned = lambda name, why, data: add("license", name, g, "malformed", why, data)
    lic_bad_unsigned("split-no-signature", "no [signature] line", body_of(base("split-no-signature")))
    body = body_of(base("split-signature-trailing-space")).encode()
    lic_bad_unsigned("split-signature-trailing-space", "'[signature] ' is not the [signature] line",
                     replace_once(signed(body), b"[signature]\n", b"[signature] \n"))
    lic_bad_unsigned("split-signature-indented", "' [signature]' is not the [signature] line",
                     replace_once(signed(body_of(base("split-signature-indented"))), b"[signature]\n",
                                  b" [signature]\n"))
    lic_bad_unsigned("split-signature-lowercase", "[Signature] is not the [signature] line",
                     replace_once(signed(body_of(base("split-signature-lowercase"))), b"[signature]\n",
                                  b"[Signature]\n"))
    body = body_of(base("split-two-signature-tables")).encode()
    first = signed(body)
    lic_bad("split-two-signature-tables", g, "split at the last [signature]: the first table is then in the body "
            "(signed), where [signature] is an unknown table", first + b"\n")
    body = body_of(base("split-signature-at-eof")).encode()
    lic_bad_unsigned("split-signature-at-eof", "[signature] as the last line, nothing after it", body + b"[signature]")
    lic_bad_unsigned("split-signature-lf-only", "[signature] and a final LF, no table lines",
                     body_of(base("split-signature-lf-only")).encode() + b"[signature]\n")

    # Signature table (step 5).
    def table_case(name, why, table, expect="malformed", lic=None):
        body = body_of(lic or base(name)).encode()
        sig = b64(real_signature(body))
        add("license", name, g, expect, why, body + table.replace("SIG", sig).encode())

    good = '[signature]\nalgorithm = "ed25519"\nkey_id = "55946e28fb11b7ee"\nvalue = "SIG"\n'
    table_case("sigtable-ok-reference", "reference: the well-formed table (ok)", good, expect="ok")
    CASES[-1].values = values_of(base("sigtable-ok-reference"))
    for name, line, why in [
            ("sigtable-alg-ed448", 'algorithm = "ed448"', "another valid algorithm name"),
            ("sigtable-alg-ed25519ph", 'algorithm = "ed25519ph"', "ed25519ph is another algorithm"),
            ("sigtable-alg-32-chars", 'algorithm = "%s"' % ("a" * 28 + "-0-9"), "a 32-character algorithm name"),
            ("sigtable-alg-digits-dash", 'algorithm = "ml-dsa-65"', "a name with digits and dashes")]:
        table_case(name, why + " -> unsupported_version", good.replace('algorithm = "ed25519"', line),
                   expect="unsupported_version")
    table_case("sigtable-alg-future-extra-lines", "a future algorithm's table may have other lines (read first)",
               '[signature]\nalgorithm = "ml-dsa-65"\nkey_id = "55946e28fb11b7ee"\nlevel = 3\nvalue = "AAAA"\n\n',
               expect="unsupported_version")
    table_case("sigtable-alg-future-only-line", "a future algorithm line with nothing after it",
               '[signature]\nalgorithm = "ed448"', expect="unsupported_version")
    body = body_of(base("sigtable-alg-future-no-blank-line")).encode()[:-1]
    add("license", "sigtable-alg-future-no-blank-line", g, "unsupported_version",
        "the algorithm (step 5) is read before the blank-line rule (step 6)",
        body + good.replace('"ed25519"', '"ed448"').replace("SIG", b64(real_signature(body))).encode())
    for name, line, why in [
            ("sigtable-alg-uppercase", 'algorithm = "Ed25519"', "uppercase is not in a-z 0-9 -"),
            ("sigtable-alg-underscore", 'algorithm = "ed_25519"', "'_' is not in a-z 0-9 -"),
            ("sigtable-alg-dot", 'algorithm = "ed.25519"', "'.' is not in a-z 0-9 -"),
            ("sigtable-alg-empty", 'algorithm = ""', "an empty algorithm name"),
            ("sigtable-alg-33-chars", 'algorithm = "%s"' % ("a" * 33), "a 33-character algorithm name"),
            ("sigtable-alg-literal", "algorithm = 'ed25519'", "a literal string"),
            ("sigtable-alg-bare", "algorithm = ed25519", "an unquoted name"),
            ("sigtable-alg-no-spaces", 'algorithm="ed25519"', "no spaces around '='"),
            ("sigtable-alg-trailing-space", 'algorithm = "ed25519" ', "a trailing space"),
            ("sigtable-alg-escape", 'algorithm = "ed\\u00325519"', "an escape in the name"),
            ("sigtable-alg-space-in-name", 'algorithm = "ed 25519"', "a space in the name"),
            ("sigtable-alg-non-ascii", 'algorithm = "éd25519"', "a non-ASCII name")]:
        table_case(name, why, good.replace('algorithm = "ed25519"', line))
    table_case("sigtable-missing-algorithm", "key_id first: the algorithm line is missing",
               '[signature]\nkey_id = "55946e28fb11b7ee"\nvalue = "SIG"\n')
    table_case("sigtable-order-swapped", "key_id and value swapped",
               '[signature]\nalgorithm = "ed25519"\nvalue = "SIG"\nkey_id = "55946e28fb11b7ee"\n')
    table_case("sigtable-missing-value", "only algorithm and key_id", '[signature]\nalgorithm = "ed25519"\n'
               'key_id = "55946e28fb11b7ee"\n')
    table_case("sigtable-fourth-line", "a fourth line after value", good + 'extra = "x"\n')
    table_case("sigtable-blank-after", "a blank line after value (two final LFs)", good + "\n")
    table_case("sigtable-comment-line", "a comment line in the table",
               good.replace("[signature]\n", "[signature]\n# signed by acme\n"))
    table_case("sigtable-blank-inside", "a blank line between algorithm and key_id",
               good.replace('"ed25519"\n', '"ed25519"\n\n'))
    table_case("sigtable-keyid-uppercase", "an uppercase key_id", good.replace("55946e28fb11b7ee",
                                                                               "55946E28FB11B7EE"))
    table_case("sigtable-keyid-15", "a key_id of 15 hex digits", good.replace("55946e28fb11b7ee",
                                                                              "55946e28fb11b7e"))
    table_case("sigtable-keyid-17", "a key_id of 17 hex digits", good.replace("55946e28fb11b7ee",
                                                                              "55946e28fb11b7ee0"))
    table_case("sigtable-keyid-non-hex", "a key_id with 'g'", good.replace("55946e28fb11b7ee", "55946e28fb11b7eg"))
    table_case("sigtable-keyid-space", "spaces around the key_id inside the quotes",
               good.replace('"55946e28fb11b7ee"', '" 55946e28fb11b7ee "'))
    table_case("sigtable-keyid-literal", "key_id as a literal string",
               good.replace('"55946e28fb11b7ee"', "'55946e28fb11b7ee'"))
    table_case("sigtable-value-trailing-space", "a trailing space after the value line", good.replace('"SIG"\n',
                                                                                                   '"SIG" \n'))
    table_case("sigtable-value-tab", "a tab before the value", good.replace('value = "', 'value =\t"'))

    def value_case(name, why, transform):
        body = body_of(base(name)).encode()
        sig = transform(real_signature(body))
        add("license", name, g, "malformed", why, body + good.replace("SIG", sig).encode())

    def non_canonical(sig: bytes) -> str:
        text = b64(sig)
        assert text.endswith("==")
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        last = alphabet.index(text[-3])
        assert last & 0x0F == 0
        return text[:-3] + alphabet[last | 1] + "=="

    value_case("sigvalue-non-canonical", "base64 whose unused low bits are not zero", non_canonical)
    value_case("sigvalue-no-padding", "base64 without the '==' padding", lambda s: b64(s)[:-2])
    value_case("sigvalue-63-bytes", "base64 of 63 bytes", lambda s: b64(s[:63]))
    value_case("sigvalue-65-bytes", "base64 of 65 bytes", lambda s: b64(s + b"\0"))
    value_case("sigvalue-empty", "an empty value", lambda s: "")
    value_case("sigvalue-url-alphabet", "the URL-safe alphabet ('-' and '_')",
               lambda s: b64(s).replace("+", "-").replace("/", "_") if ("+" in b64(s) or "/" in b64(s))
               else "-" + b64(s)[1:])
    value_case("sigvalue-space", "a space inside the base64", lambda s: b64(s)[:44] + " " + b64(s)[44:])
    value_case("sigvalue-line-break", "the base64 split over two lines", lambda s: b64(s)[:44] + "\n" + b64(s)[44:])
    value_case("sigvalue-hex", "the signature in hex instead of base64", lambda s: s.hex())

    # The blank line before [signature] (step 6).
    body = body_of(base("blank-line-missing")).encode()[:-1]
    lic_bad("blank-line-missing", g, "the body must end with LF LF: no blank line before [signature]", body)
    body = body_of(bound(id=lid("blank-line-missing-bound"))).encode()[:-1]
    lic_bad("blank-line-missing-bound", g, "no blank line before [signature] after a bound [machine]", body)
    body = body_of(base("blank-line-missing-unknown-key")).encode()[:-1]
    lic_bad("blank-line-missing-unknown-key", g, "the blank-line rule (step 6) comes before the key lookup",
            body, signer=OTHER)
    body = body_of(base("blank-line-missing-bad-signature")).encode()[:-1]
    add("license", "blank-line-missing-bad-signature", g, "malformed",
        "the blank-line rule (step 6) comes before the signature check", body + sig_table(bytes(64)))
    body = body_of(base("blank-line-two")).encode() + b"\n"
    lic_bad("blank-line-two", g, "two blank lines before [signature]", body)
    body = body_of(base("blank-line-space")).encode()[:-1] + b" \n"
    lic_bad("blank-line-space", g, "a line with one space before [signature] is not blank", body)

    # Line endings (step 2).
    body = mutated("cr-lone-in-string", 'licensee = "Example Corp"', 'licensee = "Example\rCorp"')
    lic_bad("cr-lone-in-string", g, "a lone CR inside a string stays and is a raw control character", body)
    body = mutated("cr-lone-line-end", 'licensee = "Example Corp"\n', 'licensee = "Example Corp"\r')
    lic_bad("cr-lone-line-end", g, "a lone CR as a line ending (old Mac) joins two lines", body)
    body = mutated("cr-cr-lf", 'licensee = "Example Corp"\n', 'licensee = "Example Corp"\r\n')
    add("license", "cr-cr-lf", g, "malformed", "CR CR LF: one CR LF becomes LF, the other CR stays (signed form)",
        signed(body).replace(b"\r\n", b"\r\r\n"))
    body = body_of(base("cr-in-comment", comments=[LICENSE_COMMENT + "\r more"])).encode()
    lic_bad("cr-in-comment", g, "a lone CR inside the comment line", body)
    body = body_of(base("cr-lone-signature")).encode()
    add("license", "cr-lone-signature", g, "malformed", "a lone CR after the value line",
        signed(body, final_lf=False) + b"\r")
    body = body_of(base("cr-lf-cr")).encode()
    add("license", "cr-lf-cr", g, "malformed", "LF CR line endings are not CRLF",
        signed(body).replace(b"\n", b"\n\r"))


def syntax_cases():
    g = "syntax"

    def bad(name, old, new, why, lic=None, expect="malformed"):
        lic = dataclasses.replace(lic, id=lid(name)) if lic else base(name)
        lic_bad(name, g, why, replace_once(body_of(lic), old, new), expect=expect)

    # Whitespace and layout.
    bad("tab-before-value", 'licensee = "', 'licensee =\t"', "a tab instead of the space after '='")
    bad("tab-indent", "licensee = ", "\tlicensee = ", "a tab before a key")
    bad("tab-in-comment", LICENSE_COMMENT, LICENSE_COMMENT + "\tx", "a tab in a comment")
    bad("tab-raw-in-string", '"Example Corp"', '"Example\tCorp"', "a raw tab inside a string (TOML allows it)")
    bad("tab-after-value", '"Example Corp"\n', '"Example Corp"\t\n', "a tab after the value")
    bad("no-spaces", 'licensee = "', 'licensee="', "key=value without spaces")
    bad("space-before-only", 'licensee = "', 'licensee ="', "no space after '='")
    bad("two-spaces-before", 'licensee = "', 'licensee  = "', "two spaces before '='")
    bad("two-spaces-after", 'licensee = "', 'licensee =  "', "two spaces after '='")
    bad("trailing-space-value", '"Example Corp"\n', '"Example Corp" \n', "a trailing space after a value")
    bad("trailing-space-header", "[machine]\n", "[machine] \n", "a trailing space after a table header")
    bad("leading-space-key", "licensee = ", " licensee = ", "an indented key")
    bad("leading-space-header", "[machine]\n", " [machine]\n", "an indented table header")
    bad("header-inner-spaces", "[machine]\n", "[ machine ]\n", "spaces inside the brackets")
    bad("header-dotted-spaces", "[license.limits]\n", "[license . limits]\n", "spaces around the dot")
    bad("whitespace-line", "\n[machine]\n", "\n[machine]\n \n", "a line of one space")
    bad("blank-line-in-table", 'licensee = "Example Corp"\n', 'licensee = "Example Corp"\n\n',
        "a blank line between two keys")
    bad("blank-line-missing-before-table", "\n[machine]\n", "[machine]\n", "no blank line before [machine]")
    bad("blank-line-missing-before-limits", "\n[license.limits]\n", "[license.limits]\n",
        "no blank line before [license.limits]")
    bad("blank-lines-two-before-table", "\n[machine]\n", "\n\n[machine]\n", "two blank lines before [machine]")
    bad("blank-line-before-first-table", LICENSE_COMMENT + "\n", LICENSE_COMMENT + "\n\n",
        "a blank line after the comment, before [license]")
    bad("comment-after-table", "[machine]\n", "[machine]\n# bound later\n", "a comment line inside a table")
    bad("comment-between-tables", "\n[machine]\n", "\n# machine follows\n[machine]\n",
        "a comment line between tables")
    bad("comment-after-value", "unbound = true\n", "unbound = true # perpetual\n", "a comment after a value")
    bad("comment-at-end", "unbound = true\n", "unbound = true\n\n# end\n", "a comment line at the end of the body")
    bad("comment-control", LICENSE_COMMENT, LICENSE_COMMENT + "\x01", "a C0 control character in a comment")
    bad("comment-del", LICENSE_COMMENT, LICENSE_COMMENT + "\x7f", "DEL in a comment")
    bad("comment-invalid-utf8", LICENSE_COMMENT.encode(), LICENSE_COMMENT.encode() + b" \xff",
        "invalid UTF-8 in a comment")

    # Strings.
    bad("string-literal", '"Example Corp"', "'Example Corp'", "a literal string")
    bad("string-multiline-basic", '"Example Corp"', '"""Example Corp"""', "a multi-line basic string on one line")
    bad("string-multiline-literal", '"Example Corp"', "'''Example Corp'''", "a multi-line literal string")
    bad("string-multiline-span", '"Example Corp"', '"""Example\nCorp"""', "a multi-line string over two lines")
    bad("string-unterminated", '"Example Corp"', '"Example Corp', "an unterminated string")
    bad("string-raw-control", '"Example Corp"', '"Example\x01Corp"', "a raw C0 control character in a string")
    m1 = Lic(meta=[("note", "x")])
    bad("string-raw-del", '"x"', '"a\x7fb"', "a raw DEL in a string", lic=m1)
    bad("string-raw-esc", '"x"', '"a\x1bb"', "a raw ESC in a string (must be written \\u001b)",
        lic=m1)
    bad("string-raw-nul", '"x"', '"a\x00b"', "a raw NUL in a string", lic=m1)
    for name, esc, why in [
            ("escape-u0041", "\\u0041", "\\u0041: a printable character must be written as itself"),
            ("escape-u000a", "\\u000a", "\\u000a: LF has the short escape \\n"),
            ("escape-u0009", "\\u0009", "\\u0009: tab has the short escape \\t"),
            ("escape-u0022", "\\u0022", "\\u0022: the quote has the short escape"),
            ("escape-u001B-uppercase", "\\u001B", "\\u001B: the hex digits must be lowercase"),
            ("escape-u007F-uppercase", "\\u007F", "\\u007F: the hex digits must be lowercase"),
            ("escape-u00e9", "\\u00e9", "\\u00e9: non-ASCII text is written as itself"),
            ("escape-u0080", "\\u0080", "\\u0080: C1 characters are written as themselves"),
            ("escape-u2603", "\\u2603", "\\u2603: non-ASCII text is written as itself"),
            ("escape-U-long", "\\U0001F600", "\\U escapes are not in the subset"),
            ("escape-e", "\\e", "\\e (TOML 1.1) is not in the subset"),
            ("escape-x", "\\x41", "\\x escapes are not in the subset"),
            ("escape-slash", "\\/", "\\/ is not an escape"),
            ("escape-space", "\\ ", "a backslash before a space"),
            ("escape-non-hex", "\\u00g1", "\\u with a non-hex digit")]:
        bad(name, '"x"', '"a%sb"' % esc, why, lic=m1)
    bad("escape-u-short", '"x"', '"a\\u001"', "\\u with three hex digits before the closing quote", lic=m1)
    bad("string-invalid-utf8-lone-continuation", b'"x"', b'"a\x80b"', "a lone UTF-8 continuation byte",
        lic=m1)
    bad("string-invalid-utf8-overlong", b'"x"', b'"a\xc0\xafb"', "an overlong UTF-8 encoding of '/'",
        lic=m1)
    bad("string-invalid-utf8-surrogate", b'"x"', b'"a\xed\xa0\x80b"', "UTF-8 of the surrogate U+D800",
        lic=m1)
    bad("string-invalid-utf8-truncated", b'"x"', b'"a\xe2\x98b"', "a truncated 3-byte sequence",
        lic=m1)
    bad("string-invalid-utf8-above-max", b'"x"', b'"a\xf4\x90\x80\x80b"', "a code point above U+10FFFF",
        lic=m1)
    bad("string-invalid-utf8-f8", b'"x"', b'"a\xf8\x88\x80\x80\x80b"', "a 5-byte sequence",
        lic=m1)

    # Integers.
    for name, value, why in [("int-leading-zero", "05", "leading zeros"), ("int-plus", "+5", "a '+' sign"),
                             ("int-minus-zero", "-0", "-0"), ("int-underscore", "5_000", "'_' in a number"),
                             ("int-hex", "0x10", "a hexadecimal integer"), ("int-octal", "0o7", "an octal integer"),
                             ("int-binary", "0b1", "a binary integer"), ("int-float", "5.0", "a float"),
                             ("int-exponent", "5e3", "a float with exponent"), ("int-inf", "inf", "inf"),
                             ("int-nan", "nan", "nan"),
                             ("int-overflow", "9223372036854775808", "2^63 is outside int64"),
                             ("int-string", '"5"', "a string where an integer is expected"),
                             ("int-bool", "true", "a boolean where an integer is expected")]:
        bad(name, "seats = 5\n", "seats = %s\n" % value, why)

    # Booleans.
    bad("bool-capital", "unbound = true", "unbound = True", "True is not a boolean")
    bad("bool-integer", "unbound = true", "unbound = 1", "1 is not a boolean")
    bad("bool-string", "unbound = true", 'unbound = "true"', "a string is not a boolean")

    # Dates and date-times.
    for name, value, why in [
            ("date-one-digit-month", "2025-3-01", "a one-digit month"),
            ("date-feb-29-non-leap", "2025-02-29", "2025-02-29 does not exist"),
            ("date-feb-29-1900", "1900-02-29", "1900 is not a leap year"),
            ("date-feb-30", "2024-02-30", "February 30"),
            ("date-apr-31", "2025-04-31", "April 31"),
            ("date-month-13", "2025-13-01", "month 13"),
            ("date-month-00", "2025-00-10", "month 00"),
            ("date-day-00", "2025-01-00", "day 00"),
            ("date-day-32", "2025-01-32", "day 32"),
            ("date-year-0000", "0000-01-01", "year 0000 is rejected (0001-9999)"),
            ("date-five-digit-year", "12025-01-01", "a five-digit year"),
            ("date-as-date-time", "2025-03-01T00:00:00Z", "a date-time where a date is expected"),
            ("date-as-string", '"2025-03-01"', "a string where a date is expected"),
            ("date-slashes", "2025/03/01", "slashes instead of dashes")]:
        bad(name, "not_before = 2025-03-01\n", "not_before = %s\n" % value, why)
    for name, value, why in [
            ("datetime-lowercase-z", "2025-03-01T09:15:00z", "a lower-case z"),
            ("datetime-lowercase-t", "2025-03-01t09:15:00Z", "a lower-case t"),
            ("datetime-space", "2025-03-01 09:15:00Z", "a space instead of T"),
            ("datetime-offset-zero", "2025-03-01T09:15:00+00:00", "+00:00 instead of Z"),
            ("datetime-offset", "2025-03-01T10:15:00+01:00", "an offset other than Z"),
            ("datetime-fraction", "2025-03-01T09:15:00.5Z", "fractional seconds"),
            ("datetime-fraction-zero", "2025-03-01T09:15:00.000Z", "zero fractional seconds"),
            ("datetime-local", "2025-03-01T09:15:00", "a local date-time (no Z)"),
            ("datetime-hour-24", "2025-03-01T24:00:00Z", "hour 24"),
            ("datetime-minute-60", "2025-03-01T09:60:00Z", "minute 60"),
            ("datetime-second-60", "2025-03-01T09:15:60Z", "second 60 (no leap seconds)"),
            ("datetime-one-digit-hour", "2025-03-01T9:15:00Z", "a one-digit hour"),
            ("datetime-no-seconds", "2025-03-01T09:15Z", "no seconds"),
            ("datetime-year-0000", "0000-03-01T09:15:00Z", "year 0000 is rejected"),
            ("datetime-invalid-day", "2025-02-29T09:15:00Z", "2025-02-29 does not exist"),
            ("datetime-as-date", "2025-03-01", "a date where a date-time is expected")]:
        bad(name, "issued = 2025-03-01T09:15:00Z\n", "issued = %s\n" % value, why)

    # Arrays.
    feats = 'features = ["export.pdf", "render"]'
    for name, value, why in [
            ("array-no-space", '["export.pdf","render"]', "no space after the comma"),
            ("array-space-before-comma", '["export.pdf" , "render"]', "a space before the comma"),
            ("array-inner-spaces", '[ "export.pdf", "render" ]', "spaces inside the brackets"),
            ("array-trailing-comma", '["export.pdf", "render",]', "a trailing comma"),
            ("array-trailing-comma-space", '["export.pdf", "render", ]', "a trailing comma and space"),
            ("array-empty-space", "[ ]", "an empty array written with a space"),
            ("array-multiline", '[\n  "export.pdf",\n  "render",\n]', "an array over several lines"),
            ("array-literal-strings", "['export.pdf', 'render']", "literal strings in an array"),
            ("array-integers", "[1, 2]", "an array of integers"),
            ("array-nested", '[["export.pdf"], ["render"]]', "nested arrays"),
            ("array-mixed", '["export.pdf", 2]', "an array of mixed types"),
            ("array-two-spaces", '["export.pdf",  "render"]', "two spaces after the comma"),
            ("array-not-array", '"export.pdf"', "a string where an array is expected")]:
        bad(name, feats, "features = " + value, why)

    # Tables, keys and other TOML constructs.
    bad("inline-table", "\n[license.limits]\nseats = 5\n", "\n[license.limits]\nseats = {max = 5}\n",
        "an inline table")
    bad("inline-table-limits", 'features = ["export.pdf", "render"]\n\n[license.limits]\nseats = 5\n',
        'features = ["export.pdf", "render"]\nlimits = {seats = 5}\n', "limits as an inline table in [license]")
    bad("array-of-tables", "[machine]\n", "[[machine]]\n", "an array of tables")
    bad("quoted-key", "licensee = ", '"licensee" = ', "a quoted key")
    bad("quoted-key-literal", "licensee = ", "'licensee' = ", "a literal quoted key")
    bad("dotted-key", "seats = 5", "seats.max = 5", "a dotted key")
    bad("dotted-key-table", "\n[license.limits]\nseats = 5\n", "\nlimits.seats = 5\n",
        "limits given as a dotted key")
    bad("quoted-table-name", "[license.limits]", '["license".limits]', "a quoted part in a table name")
    bad("key-65-chars", "seats = 5", "%s = 5" % ("k" * 65), "a key of 65 characters")
    bad("key-empty", "seats = 5", " = 5", "an empty key")
    bad("key-non-ascii", "seats = 5", "plätze = 5", "a non-ASCII bare key")

    # Unknown and misplaced tables and keys.
    bad("unknown-key-license", 'licensee = "Example Corp"\n', 'licensee = "Example Corp"\ncolor = "blue"\n',
        "an unknown key in [license]")
    # FORMAT.md 8.1 made these extensions (ok, ignored); the files are the bytes of the former rejections.
    now_ok("unknown-key-license-end", g, "an unknown key after features is an extension key of [license] (8.1): "
           "ignored", base("unknown-key-license-end", license_ext=[("support", "true")]),
           mutated("unknown-key-license-end", 'features = ["export.pdf", "render"]\n',
                   'features = ["export.pdf", "render"]\nsupport = true\n'))
    now_ok("unknown-key-machine", g, "an unknown key at the end of an unbound [machine] is an extension (8.1)",
           base("unknown-key-machine", machine_ext=[("note", '"x"')]),
           mutated("unknown-key-machine", "unbound = true\n", 'unbound = true\nnote = "x"\n'))
    bad("unknown-table-license-sub", "\n[machine]\n", "\n[license.extra]\nx = 1\n\n[machine]\n",
        "an unknown table [license.extra]")
    now_ok("unknown-table-end", g, "an unknown table after [machine] is an extension table (8.1)",
           base("unknown-table-end", ext_tables=[("extra", [("x", "1")])]),
           mutated("unknown-table-end", "unbound = true\n", "unbound = true\n\n[extra]\nx = 1\n"))
    now_ok("unknown-table-signature-in-body", g, "[signatures] after [machine] is an extension table: only the "
           "name signature is excluded (8.1)", base("unknown-table-signature-in-body",
                                                    ext_tables=[("signatures", [("x", '"y"')])]),
           mutated("unknown-table-signature-in-body", "unbound = true\n", 'unbound = true\n\n[signatures]\nx = "y"\n'))
    bad("unknown-table-empty", "\n[machine]\n", "\n[license.extra]\n\n[machine]\n", "an unknown empty table")
    lic = Lic(id=lid("table-order-meta-limits"), meta=[("a", "b")])
    body = body_of(lic)
    body = replace_once(body, '\n[license.limits]\nseats = 5\n\n[license.meta]\na = "b"\n',
                        '\n[license.meta]\na = "b"\n\n[license.limits]\nseats = 5\n')
    lic_bad("table-order-meta-limits", g, "[license.meta] before [license.limits]", body)
    bad("table-order-machine-first", '\n[license.limits]\nseats = 5\n\n[machine]\nunbound = true\n',
        '\n[machine]\nunbound = true\n\n[license.limits]\nseats = 5\n', "[machine] before [license.limits]")
    bad("table-duplicate-machine", "unbound = true\n", "unbound = true\n\n[machine]\nunbound = true\n",
        "[machine] twice")
    bad("table-duplicate-limits", "\n[license.limits]\nseats = 5\n", "\n[license.limits]\nseats = 5\n\n"
        "[license.limits]\nworkers = 2\n", "[license.limits] twice")
    bad("table-missing-machine", "\n[machine]\nunbound = true\n", "", "no [machine] table")
    bad("key-order-key-id-first", 'id = "%s"\nkey_id = "55946e28fb11b7ee"\n' % lid("key-order-key-id-first"),
        'key_id = "55946e28fb11b7ee"\nid = "%s"\n' % lid("key-order-key-id-first"), "key_id before id")
    bad("key-order-licensee-product", 'product = "acme-studio"\nlicensee = "Example Corp"\n',
        'licensee = "Example Corp"\nproduct = "acme-studio"\n', "licensee before product")
    bad("key-order-not-before-issued", "issued = 2025-03-01T09:15:00Z\nnot_before = 2025-03-01\n",
        "not_before = 2025-03-01\nissued = 2025-03-01T09:15:00Z\n", "not_before before issued")
    lic = base("key-order-updates-expires", expires="2026-01-01", updates_until="2025-12-01")
    bad("key-order-updates-expires", "expires = 2026-01-01\nupdates_until = 2025-12-01\n",
        "updates_until = 2025-12-01\nexpires = 2026-01-01\n", "updates_until before expires", lic=lic)
    bad("key-order-features-first", 'not_before = 2025-03-01\nfeatures = ["export.pdf", "render"]\n',
        'features = ["export.pdf", "render"]\nnot_before = 2025-03-01\n', "features before not_before")
    bad("key-duplicate", 'licensee = "Example Corp"\n', 'licensee = "Example Corp"\nlicensee = "Example Corp"\n',
        "licensee twice")
    bad("key-duplicate-features", 'features = ["export.pdf", "render"]\n',
        'features = ["export.pdf", "render"]\nfeatures = []\n', "features twice")
    for key, line in [("id", 'id = "%s"\n' % lid("missing-id")), ("key_id", 'key_id = "55946e28fb11b7ee"\n'),
                      ("product", 'product = "acme-studio"\n'), ("licensee", 'licensee = "Example Corp"\n'),
                      ("issued", "issued = 2025-03-01T09:15:00Z\n"), ("not_before", "not_before = 2025-03-01\n"),
                      ("features", 'features = ["export.pdf", "render"]\n')]:
        name = "missing-" + key.replace("_", "-")
        lic = base(name)
        lic_bad(name, g, "the required key %s is missing" % key,
                replace_once(body_of(lic), line.replace(lid("missing-id"), lic.id), ""))
    bad("missing-unbound", "unbound = true\n", "", "[machine] without unbound")
    bad("wrong-type-id", 'id = "%s"' % lid("wrong-type-id"), "id = 42", "id as an integer")
    bad("wrong-type-features", 'features = ["export.pdf", "render"]', 'features = "render"', "features as a string")
    bad("wrong-type-expires", 'not_before = 2025-03-01\n', 'not_before = 2025-03-01\nexpires = "2026-01-01"\n',
        "expires as a string")
    lic = base("wrong-type-meta-int", meta=[("order", "SO-1")])
    bad("wrong-type-meta-int", 'order = "SO-1"', "order = 1", "a meta value as an integer", lic=lic)
    lic = base("wrong-type-meta-array", meta=[("order", "SO-1")])
    bad("wrong-type-meta-array", 'order = "SO-1"', 'order = ["SO-1"]', "a meta value as an array", lic=lic)


def field_cases():
    g = "fields"

    def bad(name, why, lic, old=None, new=None, expect="malformed"):
        body = body_of(lic)
        if old is not None:
            body = replace_once(body, old, new)
        lic_bad(name, g, why, body, expect=expect)

    # id
    bad("id-empty", "an empty id", base("id-empty", id=""), 'id = ""', 'id = ""')
    bad("id-65-chars", "an id of 65 characters", base("id-65-chars", id="a" * 65))
    bad("id-space", "a space in the id", base("id-space", id="order 17"))
    bad("id-slash", "a '/' in the id", base("id-slash", id="acme/17"))
    bad("id-plus", "a '+' in the id", base("id-plus", id="acme+17"))
    bad("id-colon", "a ':' in the id", base("id-colon", id="acme:17"))
    bad("id-non-ascii", "a non-ASCII letter in the id", base("id-non-ascii", id="lizenz-ä"))
    bad("id-control", "a control character (escaped) in the id", base("id-control", id="a\tb"))
    # key_id of [license]
    bad("keyid-body-uppercase", "an uppercase key_id in [license] (a field rule, before the key id match)",
        base("keyid-body-uppercase", key_id=TRUSTED_ID.upper()))
    bad("keyid-body-15", "a key_id of 15 digits in [license]", base("keyid-body-15", key_id=TRUSTED_ID[:15]))
    bad("keyid-body-non-hex", "a non-hex key_id in [license]", base("keyid-body-non-hex", key_id="zz946e28fb11b7ee"))
    bad("keyid-body-empty", "an empty key_id in [license]", base("keyid-body-empty", key_id=""))
    # product and licensee
    for field, limit in [("product", 128), ("licensee", 256)]:
        short = field[:4] if field == "product" else "licensee"
        bad("%s-empty" % field, "an empty %s" % field, base("%s-empty" % field, **{field: ""}))
        bad("%s-%d-bytes" % (field, limit + 1), "%s of %d bytes" % (field, limit + 1),
            base("%s-%d-bytes" % (field, limit + 1), **{field: "x" * (limit + 1)}))
        bad("%s-%d-bytes-utf8" % (field, limit + 1), "%s of %d bytes in 3-byte characters" % (field, limit + 1),
            base("%s-%d-bytes-utf8" % (field, limit + 1), **{field: "☃" * ((limit + 1) // 3) + "x" * ((limit + 1) % 3)}))
        for name, ch, why in [("c0-tab", "\t", "a tab (C0, escaped \\t)"), ("c0-lf", "\n", "LF (C0, escaped \\n)"),
                              ("c0-u0001", "\x01", "U+0001 (C0, escaped)"), ("c0-u001f", "\x1f", "U+001F (C0)"),
                              ("del", "\x7f", "DEL (escaped \\u007f)"), ("c1-u0080", "\u0080", "U+0080 (C1)"),
                              ("c1-u0085", "\u0085", "U+0085 NEL (C1)"), ("c1-u009f", "\u009f", "U+009F (C1)")]:
            _ = short
            bad("%s-%s" % (field, name), "%s holds %s" % (field, why),
                base("%s-%s" % (field, name), **{field: "Acme" + ch + "Studio"}))
    # Dates
    bad("date-expires-before-not-before", "expires one day before not_before",
        base("date-expires-before-not-before", expires="2025-02-28"))
    bad("date-updates-before-not-before", "updates_until one day before not_before",
        base("date-updates-before-not-before", updates_until="2025-02-28"))
    bad("date-expires-0000", "expires in year 0000", base("date-expires-0000", not_before="0001-01-01",
                                                          issued="0001-01-01T00:00:00Z", expires="0000-12-31"))
    bad("date-updates-0000", "updates_until in year 0000", base("date-updates-0000", updates_until="0000-12-31"))
    bad("date-not-before-0000-all", "not_before and issued in year 0000 (both before 0001)",
        base("date-not-before-0000-all", not_before="0000-06-01", issued="0000-06-01T00:00:00Z"))
    # Features
    bad("features-unsorted", "features not in byte order", base("features-unsorted", features=["render",
                                                                                              "export.pdf"]))
    bad("features-unsorted-case", "byte order: a0 sorts before a_b, so [a_b, a0] is unsorted",
        base("features-unsorted-case", features=["a_b", "a0"]))
    bad("features-duplicate", "the same feature twice (sorted)", base("features-duplicate",
                                                                     features=["render", "render"]))
    bad("features-duplicate-apart", "the same feature twice, apart (also unsorted)",
        base("features-duplicate-apart", features=["render", "export.pdf", "render"]))
    for name, feat, why in [("feature-uppercase", "Render", "an uppercase letter"),
                            ("feature-dot-first", ".render", "starts with '.'"),
                            ("feature-dash-first", "-render", "starts with '-'"),
                            ("feature-underscore-first", "_render", "starts with '_'"),
                            ("feature-space", "render gpu", "a space"),
                            ("feature-slash", "render/gpu", "a '/'"),
                            ("feature-plus", "c++", "a '+'"),
                            ("feature-empty", "", "an empty name"),
                            ("feature-65-chars", "f" * 65, "65 characters"),
                            ("feature-non-ascii", "rendér", "a non-ASCII letter"),
                            ("feature-colon", "render:gpu", "a ':'")]:
        bad(name, "a feature name with %s" % why, base(name, features=[feat]))
    bad("features-129", "129 features, one more than allowed", base("features-129",
                                                                   features=["f%03d" % i for i in range(129)]))
    # Limits
    bad("limits-unsorted", "limit keys not in byte order", base("limits-unsorted", limits=[("seats", 5),
                                                                                          ("cores", 2)]))
    bad("limits-unsorted-case", "byte order: 'B' < 'a', so [a, B] is unsorted", base("limits-unsorted-case",
                                                                                    limits=[("a", 1), ("B", 2)]))
    bad("limits-duplicate", "a limit key twice", base("limits-duplicate", limits=[("seats", 5), ("seats", 6)]))
    bad("limits-negative", "a negative limit", base("limits-negative", limits=[("seats", -1)]))
    bad("limits-int64-min", "the smallest int64 as a limit (negative)",
        base("limits-int64-min", limits=[("seats", -9223372036854775808)]))
    bad("limits-empty-table", "an empty [license.limits] table", base("limits-empty-table"), "seats = 5\n", "")
    bad("limits-65", "65 limits, one more than allowed", base("limits-65", limits=[("l%02d" % i, i) for i in range(65)]))
    # Meta
    bad("meta-unsorted", "meta keys not in byte order", base("meta-unsorted", meta=[("z", "1"), ("a", "2")]))
    bad("meta-duplicate", "a meta key twice", base("meta-duplicate", meta=[("a", "1"), ("a", "2")]))
    bad("meta-empty-table", "an empty [license.meta] table", base("meta-empty-table", meta=[("a", "1")]),
        'a = "1"\n', "")
    bad("meta-nul", "a meta value with U+0000 (written \\u0000)", base("meta-nul", meta=[("a", "x\x00y")]))
    bad("meta-1025-bytes", "a meta value of 1025 bytes", base("meta-1025-bytes", meta=[("big", "m" * 1025)]))
    bad("meta-1025-bytes-escaped", "1025 bytes after unescaping (2050 characters in the file)",
        base("meta-1025-bytes-escaped", meta=[("big", "\n" * 1025)]))
    bad("meta-65", "65 meta entries, one more than allowed", base("meta-65", meta=[("m%02d" % i, "v")
                                                                                 for i in range(65)]))
    # Other strings over 1024 bytes.
    bad("licensee-257-bytes-escaped", "257 backslashes: the length counts bytes after unescaping",
        base("licensee-257-bytes-escaped", licensee="\\" * 257))

    # [machine]
    def machine_bad(name, why, old, new, lic=None, expect="malformed"):
        lic = lic or bound(id=lid(name))
        if not lic.id:
            lic.id = lid(name)
        lic_bad(name, "machine-table", why, replace_once(body_of(lic), old, new), expect=expect)

    mg = "machine-table"
    h = hashes_of(SERVER)
    lic_bad("unbound-with-policy", mg, "an unbound [machine] with a policy",
            replace_once(body_of(base("unbound-with-policy")), "unbound = true\n",
                         'unbound = true\npolicy = "airlock-match-v1"\n'))
    lic_bad("unbound-with-allow-container", mg, "an unbound [machine] with allow_container = false",
            replace_once(body_of(base("unbound-with-allow-container")), "unbound = true\n",
                         "unbound = true\nallow_container = false\n"))
    lic_bad("unbound-with-platform", mg, "an unbound [machine] recording platform",
            replace_once(body_of(base("unbound-with-platform")), "unbound = true\n",
                         "unbound = true\nplatform = %s\n" % qa(h["platform"])))
    lic_bad("unbound-with-disk", mg, "an unbound [machine] recording a disk",
            replace_once(body_of(base("unbound-with-disk")), "unbound = true\n",
                         "unbound = true\ndisk = %s\n" % qa(h["disk"])))
    lic_bad("unbound-false-alone", mg, "unbound = false and nothing else",
            replace_once(body_of(base("unbound-false-alone")), "unbound = true\n", "unbound = false\n"))
    machine_bad("bound-missing-policy", "a bound [machine] without policy", 'policy = "airlock-match-v1"\n', "")
    machine_bad("bound-missing-allow-container", "a bound [machine] without allow_container",
                "allow_container = false\n", "")
    machine_bad("bound-missing-platform", "a bound [machine] without platform",
                "platform = %s\n" % qa(h["platform"]), "")
    lic = bound(machine(disk=None, nic=None, board=None))
    lic.id = lid("bound-no-hardware")
    lic_bad("bound-no-hardware", mg, "platform and os only: no hardware class (disk, nic, board)", body_of(lic))
    lic = bound(machine(disk=None, nic=None, board=None, os=None))
    lic.id = lid("bound-platform-only")
    lic_bad("bound-platform-only", mg, "platform only: no hardware class", body_of(lic))
    machine_bad("bound-order-disk-first", "disk before platform",
                "platform = %s\ndisk = %s\n" % (qa(h["platform"]), qa(h["disk"])),
                "disk = %s\nplatform = %s\n" % (qa(h["disk"]), qa(h["platform"])))
    machine_bad("bound-order-board-before-os", "board before os",
                "os = %s\nboard = %s\n" % (qa(h["os"]), qa(h["board"])),
                "board = %s\nos = %s\n" % (qa(h["board"]), qa(h["os"])))
    machine_bad("bound-order-policy-after-allow", "allow_container before policy",
                'policy = "airlock-match-v1"\nallow_container = false\n',
                'allow_container = false\npolicy = "airlock-match-v1"\n')
    now_ok("bound-unknown-class", mg, "an unknown class tpm after board is an extension key of [machine] (8.1)",
           bound(id=lid("bound-unknown-class"), machine_ext=[("tpm", qa(h["os"]))]),
           replace_once(body_of(bound(id=lid("bound-unknown-class"))), "board = %s\n" % qa(h["board"]),
                        "board = %s\ntpm = %s\n" % (qa(h["board"]), qa(h["os"]))))
    machine_bad("bound-duplicate-class", "disk twice", "nic = ", "disk = %s\nnic = " % qa(h["disk"]))
    machine_bad("bound-allow-container-string", "allow_container as a string", "allow_container = false",
                'allow_container = "false"')
    machine_bad("bound-policy-not-string", "policy as a bare word", 'policy = "airlock-match-v1"',
                "policy = airlock-match-v1")
    one = h["disk"][0]
    for name, new, why in [
            ("hash-31-digits", one[:31], "a hash of 31 hex digits"),
            ("hash-33-digits", one + "0", "a hash of 33 hex digits"),
            ("hash-uppercase", one.upper(), "an uppercase hash"),
            ("hash-non-hex", "g" + one[1:], "a hash with 'g'"),
            ("hash-empty-string", "", "an empty hash string")]:
        machine_bad(name, why, '"%s"' % one, '"%s"' % new)
    machine_bad("hash-duplicate", "the same hash twice in disk", qa(h["disk"]), qa([one, one]))
    machine_bad("hash-empty-array-disk", "disk = [] (an unrecorded class is left out)", "disk = " + qa(h["disk"]),
                "disk = []")
    machine_bad("hash-empty-array-platform", "platform = []", "platform = " + qa(h["platform"]), "platform = []")
    many = machine(disk=["DISK%02d" % i for i in range(17)])
    lic = bound(many)
    lic.id = lid("hash-17-entries")
    lic_bad("hash-17-entries", mg, "17 disk hashes, one more than allowed", body_of(lic))
    many = machine(platform=["PLATFORM %02d" % i for i in range(17)])
    lic = bound(many)
    lic.id = lid("hash-17-platform")
    lic_bad("hash-17-platform", mg, "17 platform hashes", body_of(lic))


def signature_cases():
    g = "signature"
    lic = base("unknown-key-other", key_id=OTHER_ID)
    lic_bad("unknown-key-other", g, "signed by other_key, which is not trusted (body and table name it)",
            body_of(lic), expect="unknown_key", signer=OTHER)
    lic = base("unknown-key-body-trusted")
    lic_bad("unknown-key-body-trusted", g, "signed by other_key; the body names the trusted key (key lookup is by "
            "the signature's key_id)", body_of(lic), expect="unknown_key", signer=OTHER)
    body = body_of(base("unknown-key-zero-id")).encode()
    add("license", "unknown-key-zero-id", g, "unknown_key", "a key id no one has, with an all-zero signature",
        body + sig_table(bytes(64), "0000000000000000"))
    lic = base("unknown-key-malformed-body", features=["render", "export.pdf"], key_id=OTHER_ID)
    lic_bad("unknown-key-malformed-body", g, "the key lookup (step 7) comes before the body rules (step 8)",
            body_of(lic).replace("seats = 5", "seats = 05"), expect="unknown_key", signer=OTHER)
    body = body_of(base("bad-signature-tampered")).encode()
    add("license", "bad-signature-tampered", g, "bad_signature", "one byte of the licensee changed after signing",
        replace_once(signed(body), b"Example Corp", b"Example Corq"))
    body = body_of(base("bad-signature-tampered-comment")).encode()
    add("license", "bad-signature-tampered-comment", g, "bad_signature", "the comment line is signed too",
        replace_once(signed(body), b"any edit", b"some edit"))
    body = body_of(base("bad-signature-tampered-limit")).encode()
    add("license", "bad-signature-tampered-limit", g, "bad_signature", "seats = 5 changed to seats = 9",
        replace_once(signed(body), b"seats = 5", b"seats = 9"))
    body = body_of(base("bad-signature-bit-flip")).encode()
    sig = bytearray(real_signature(body))
    sig[10] ^= 0x01
    add("license", "bad-signature-bit-flip", g, "bad_signature", "one bit of the signature flipped",
        body + sig_table(bytes(sig)))
    body = body_of(base("bad-signature-other-key-claims-trusted")).encode()
    add("license", "bad-signature-other-key-claims-trusted", g, "bad_signature",
        "signed by other_key but the table claims the trusted key id", signed(body, OTHER, TRUSTED_ID))
    body = body_of(base("bad-signature-no-prefix")).encode()
    add("license", "bad-signature-no-prefix", g, "bad_signature",
        "signed over the body alone, without 'airlock-license-v1' LF", body + sig_table(TRUSTED.sign(body)))
    body = body_of(base("bad-signature-crlf-signed")).encode()
    crlf = body.replace(b"\n", b"\r\n")
    add("license", "bad-signature-crlf-signed", g, "bad_signature",
        "signed over the CRLF bytes; the reader checks the LF form", crlf + sig_table(TRUSTED.sign(PREFIX + crlf)))
    body = body_of(base("bad-signature-bom-signed")).encode()
    add("license", "bad-signature-bom-signed", g, "bad_signature",
        "signed with the BOM in the message; the reader drops it",
        b"\xef\xbb\xbf" + body + sig_table(TRUSTED.sign(PREFIX + b"\xef\xbb\xbf" + body)))
    body = body_of(base("bad-signature-with-table")).encode()
    add("license", "bad-signature-with-table", g, "bad_signature",
        "signed over body and '[signature]' LF; the body ends before that line",
        body + sig_table(TRUSTED.sign(PREFIX + body + b"[signature]\n")))
    body = body_of(base("bad-signature-zero")).encode()
    add("license", "bad-signature-zero", g, "bad_signature", "an all-zero signature", body + sig_table(bytes(64)))
    body = body_of(base("bad-signature-s-too-large")).encode()
    sig = real_signature(body)
    big_s = (int.from_bytes(sig[32:], "little") + 2 ** 252 + 27742317777372353535851937790883648493).to_bytes(
        32, "little")
    add("license", "bad-signature-s-too-large", g, "bad_signature",
        "the signature's S plus the group order L (non-canonical S, must be rejected)", body + sig_table(sig[:32] +
                                                                                                          big_s))
    body = body_of(base("bad-signature-malformed-body", features=["render", "export.pdf"])).encode()
    body = body.replace(b"seats = 5", b"seats = 05")
    add("license", "bad-signature-malformed-body", g, "bad_signature",
        "the signature (step 7) is checked before the body rules (step 8)", body + sig_table(bytes(64)))
    golden_sig = "VfBwiSKO2iC5/NUybg7R7vpfqP2mVf+qEKZB8o+6qMnoMDcX/oApLPjBxP2R/IXabWsKgHenxydfYI5G0gi0CA=="
    body = body_of(base("bad-signature-copied")).encode()
    add("license", "bad-signature-copied", g, "bad_signature",
        "the signature of license_unbound.toml copied onto another body",
        body + sig_table(base64.b64decode(golden_sig)))

    lic = base("key-id-mismatch", key_id="0123456789abcdef")
    lic_ok("key-id-mismatch", g, "the body names key 0123456789abcdef; signed correctly by the trusted key", lic,
           expect="key_id_mismatch")
    lic = base("key-id-mismatch-other-key", key_id=OTHER_ID)
    lic_ok("key-id-mismatch-other-key", g, "the body names other_key's id; signed correctly by the trusted key", lic,
           expect="key_id_mismatch")
    lic = base("key-id-mismatch-before-product", key_id=OTHER_ID, product="other-product", expires="2025-03-02")
    lic_ok("key-id-mismatch-before-product", g, "key_id_mismatch (step 9) comes before product and dates (step 10)",
           lic, expect="key_id_mismatch", product=PRODUCT)


def check_cases():
    g = "product-clock-dates"
    lic_ok("wrong-product", g, "a license for acme-studio checked by acme-studio-pro", base("wrong-product"),
           expect="wrong_product", product="acme-studio-pro")
    lic_ok("wrong-product-case", g, "products are compared exactly: Acme-Studio is another product",
           base("wrong-product-case"), expect="wrong_product", product="Acme-Studio")
    lic_ok("wrong-product-trailing-space", g, "the product passes 'acme-studio ' (a trailing space)",
           base("wrong-product-trailing-space"), expect="wrong_product", product="acme-studio ")
    lic_ok("wrong-product-nfd", g, "no Unicode normalization: NFC é in the file, NFD e+U+0301 from the product",
           base("wrong-product-nfd", product="caf\u00e9"), expect="wrong_product", product="cafe\u0301")
    lic_ok("wrong-product-empty", g, "the product passes an empty name", base("wrong-product-empty"),
           expect="wrong_product", product="")
    lic = bound(id=lid("wrong-product-first"), expires="2025-03-31")
    lic_ok("wrong-product-first", g, "the product is checked before the clock, dates and machine", lic,
           expect="wrong_product", product="other", now="2020-01-01T00:00:00Z",
           machine_=machine(platform=["other cpu"]), matching=["disk", "nic", "os", "board"])

    issued = "2025-03-05T12:00:00Z"
    lic_ok("clock-24h-before-issued", g, "the clock exactly 24 hours before issued is tolerated",
           base("clock-24h-before-issued", issued=issued), now="2025-03-04T12:00:00Z")
    lic_ok("clock-rolled-back", g, "the clock 24 hours and 1 second before issued",
           base("clock-rolled-back", issued=issued), expect="clock_rolled_back", now="2025-03-04T11:59:59Z")
    lic_ok("clock-rolled-back-epoch", g, "the clock at 1970-01-01T00:00:00Z", base("clock-rolled-back-epoch"),
           expect="clock_rolled_back", now="1970-01-01T00:00:00Z")
    lic_ok("clock-rolled-back-before-epoch", g, "the clock before 1970 (negative Unix time)",
           base("clock-rolled-back-before-epoch"), expect="clock_rolled_back", now="1969-07-20T20:17:40Z")
    lic_ok("clock-rolled-back-first", g, "the clock is checked before not_before",
           base("clock-rolled-back-first", issued="2025-03-01T09:15:00Z", not_before="2025-04-01"),
           expect="clock_rolled_back", now="2025-02-01T00:00:00Z")
    lic_ok("clock-issued-after-now-by-hours", g, "issued 23 hours after the clock is tolerated",
           base("clock-issued-after-now-by-hours", issued="2025-03-02T08:00:00Z", not_before="2025-03-01"),
           now="2025-03-01T09:00:00Z")

    lic = base("not-yet-valid", not_before="2025-03-10", issued="2025-03-01T09:15:00Z")
    lic_ok("not-yet-valid", g, "the last second of the day before not_before", lic, expect="not_yet_valid",
           now="2025-03-09T23:59:59Z")
    lic = base("not-yet-valid-first-second-ok", not_before="2025-03-10", issued="2025-03-01T09:15:00Z")
    lic_ok("not-yet-valid-first-second-ok", g, "00:00:00Z on not_before is valid", lic, now="2025-03-10T00:00:00Z")
    lic = base("not-yet-valid-far", not_before="2026-01-01", issued="2025-03-01T09:15:00Z")
    lic_ok("not-yet-valid-far", g, "months before not_before", lic, expect="not_yet_valid")
    lic = bound(id=lid("not-yet-valid-first"), not_before="2025-07-01", updates_until="2025-07-01")
    lic_ok("not-yet-valid-first", g, "not_yet_valid comes before build_too_new and the machine", lic,
           expect="not_yet_valid", build_date="2026-01-01", machine_=machine(platform=["other cpu"]), matching=["disk", "nic", "os", "board"])

    lic = base("expires-last-second", expires="2025-06-01")
    lic_ok("expires-last-second", g, "expires is inclusive: 23:59:59Z on that day is valid", lic,
           now="2025-06-01T23:59:59Z")
    lic = base("expired-next-day", expires="2025-06-01")
    lic_ok("expired-next-day", g, "00:00:00Z on the day after expires", lic, expect="expired",
           now="2025-06-02T00:00:00Z")
    lic = base("expired-long-ago", expires="2025-03-31")
    lic_ok("expired-long-ago", g, "two months after expires", lic, expect="expired")
    lic = base("expired-grace-last-day", expires="2025-05-29")
    lic_ok("expired-grace-last-day", g, "grace_days = 3: the third day after expires is accepted", lic,
           now="2025-06-01T23:59:59Z", grace_days=3)
    lic = base("expired-after-grace", expires="2025-05-28")
    lic_ok("expired-after-grace", g, "grace_days = 3: the fourth day after expires is expired", lic,
           expect="expired", now="2025-06-01T00:00:00Z", grace_days=3)
    lic = base("expired-grace-zero", expires="2025-05-31")
    lic_ok("expired-grace-zero", g, "grace_days = 0 given explicitly", lic, expect="expired", grace_days=0)
    lic = base("expired-9999-ok", expires="9999-12-31")
    lic_ok("expired-9999-ok", g, "expires 9999-12-31 checked on 9999-12-31", lic, now="9999-12-31T23:59:59Z")
    lic = bound(id=lid("expired-first"), expires="2025-05-01", updates_until="2025-05-01")
    lic_ok("expired-first", g, "expired comes before build_too_new and the machine", lic, expect="expired",
           build_date="2026-01-01", machine_=machine(platform=["other cpu"]), matching=["disk", "nic", "os", "board"])

    lic = base("build-too-new", updates_until="2025-04-30")
    lic_ok("build-too-new", g, "build_date one day after updates_until", lic, expect="build_too_new",
           build_date="2025-05-01")
    lic = base("build-on-updates-until", updates_until="2025-04-30")
    lic_ok("build-on-updates-until", g, "build_date on updates_until is covered", lic, build_date="2025-04-30")
    lic = base("build-old", updates_until="2025-04-30")
    lic_ok("build-old", g, "an older build", lic, build_date="2024-01-01")
    lic = base("build-no-date", updates_until="2025-04-30")
    lic_ok("build-no-date", g, "updates_until without a build date: not checked (a warning only)", lic)
    lic = base("build-date-no-updates")
    lic_ok("build-date-no-updates", g, "a build date and no updates_until: all builds", lic, build_date="2099-01-01")
    lic = base("build-too-new-valid-license", expires="2025-12-31", updates_until="2025-04-30")
    lic_ok("build-too-new-valid-license", g, "a license still valid by date but the build is too new",
           lic, expect="build_too_new", build_date="2025-05-15")
    lic = bound(id=lid("build-too-new-first"), updates_until="2025-04-30")
    lic_ok("build-too-new-first", g, "build_too_new comes before the machine", lic, expect="build_too_new",
           build_date="2025-05-01", machine_=machine(platform=["other cpu"]), matching=["disk", "nic", "os", "board"])
    lic = base("unbound-in-container")
    lic_ok("unbound-in-container", g, "an unbound license works in a container (no machine check)", lic,
           machine_=machine(environment="container", disk=None, nic=None, board=None))


def binding_cases():
    g = "binding"
    all5 = CLASSES
    strong4 = ["platform", "disk", "nic", "os", "board"]
    lic_ok("match-exact", g, "the same machine: every class matches", bound(id=lid("match-exact")),
           machine_=SERVER, matching=all5)
    m = machine(disk=SERVER["disk"] + ["NEWDISK0001"])
    lic_ok("match-extra-disk", g, "a disk added: extra current values do not matter", bound(id=lid(
        "match-extra-disk")), machine_=m, matching=all5)
    m = machine(disk=["S3Z9NB0K123456"])
    lic_ok("match-one-of-two-disks", g, "one of two recorded disks removed: the class still matches",
           bound(id=lid("match-one-of-two-disks")), machine_=m, matching=all5)
    m = machine(disk=["REPLACED0001"])
    lic_ok("match-one-class-changed", g, "disk replaced: 3 of 4 strong classes match (3 needed)",
           bound(id=lid("match-one-class-changed")), machine_=m, matching=["platform", "nic", "os", "board"])
    m = machine(board=["ffffffff-0000-0000-0000-000000000000"])
    lic_ok("match-board-changed", g, "board replaced: 3 of 4 match", bound(id=lid("match-board-changed")),
           machine_=m, matching=["platform", "disk", "nic", "os"])
    m = machine(os=["00000000000000000000000000000001"])
    lic_ok("match-os-changed", g, "os reinstalled: 3 of 4 match", bound(id=lid("match-os-changed")), machine_=m,
           matching=["platform", "disk", "nic", "board"])
    m = machine(disk=None)
    lic_ok("match-one-class-unreadable", g, "disk unreadable now counts as changed: 3 of 4 still match",
           bound(id=lid("match-one-class-unreadable")), machine_=m, matching=["platform", "nic", "os", "board"])
    m = machine(disk=["REPLACED0001"], nic=["02:00:00:00:00:99"])
    lic_ok("mismatch-two-changed", g, "disk and nic replaced: 2 of 4 match, 3 needed",
           bound(id=lid("mismatch-two-changed")), expect="machine_mismatch", machine_=m,
           matching=["platform", "os", "board"])
    m = machine(os=["00000000000000000000000000000001"], board=["ffffffff-0000-0000-0000-000000000000"])
    lic_ok("mismatch-os-board-changed", g, "os and board changed: 2 of 4 match, 3 needed",
           bound(id=lid("mismatch-os-board-changed")), expect="machine_mismatch", machine_=m,
           matching=["platform", "disk", "nic"])
    m = machine(disk=None, nic=None)
    lic_ok("mismatch-two-unreadable", g, "disk and nic unreadable: 2 of 4 match", bound(id=lid(
        "mismatch-two-unreadable")), expect="machine_mismatch", machine_=m, matching=["platform", "os", "board"])
    m = machine(platform=["cpuid AuthenticAMD family 25 model 1 stepping 1 brand AMD EPYC 7763"])
    lic_ok("mismatch-platform-changed", g, "platform changed, every strong class matches",
           bound(id=lid("mismatch-platform-changed")), expect="machine_mismatch", machine_=m,
           matching=["disk", "nic", "os", "board"])
    m = machine(platform=None)
    lic_ok("mismatch-platform-unreadable", g, "platform unreadable now", bound(id=lid("mismatch-platform-unreadable")),
           expect="machine_mismatch", machine_=m, matching=["disk", "nic", "os", "board"])
    m = {"environment": "vm", "platform": ["other cpu"], "disk": ["OTHER"], "nic": ["02:00:00:00:00:01"],
         "os": ["0123456789abcdef0123456789abcdef"], "board": ["other board"]}
    lic_ok("mismatch-nothing-matches", g, "another machine: no class matches", bound(id=lid(
        "mismatch-nothing-matches")), expect="machine_mismatch", machine_=m, matching=[])
    m = {"environment": "unknown"}
    lic_ok("mismatch-nothing-readable", g, "nothing readable now", bound(id=lid("mismatch-nothing-readable")),
           expect="machine_mismatch", machine_=m, matching=[])
    rec3 = machine(board=None)  # disk, nic, os: N = 3, 2 needed
    lic = bound(rec3, id=lid("match-three-one-changed"))
    lic_ok("match-three-one-changed", g, "3 strong recorded (disk, nic, os), nic changed: 2 of 3 match", lic,
           machine_=machine(nic=["02:00:00:00:00:99"]), matching=["platform", "disk", "os"])
    lic = bound(rec3, id=lid("mismatch-three-two-changed"))
    lic_ok("mismatch-three-two-changed", g, "3 strong recorded, disk and nic changed: 1 of 3 match (only os)", lic,
           expect="machine_mismatch", machine_=machine(disk=["X"], nic=["02:00:00:00:00:99"]),
           matching=["platform", "os"])
    rec2 = machine(nic=None, board=None)  # disk, os: N = 2, both needed
    lic = bound(rec2, id=lid("match-two-recorded"))
    lic_ok("match-two-recorded", g, "2 strong recorded (disk, os), both match", lic, machine_=SERVER,
           matching=["platform", "disk", "os"])
    lic = bound(rec2, id=lid("mismatch-two-recorded-one-changed"))
    lic_ok("mismatch-two-recorded-one-changed", g, "2 strong recorded: all must match, os changed", lic,
           expect="machine_mismatch", machine_=machine(os=["00000000000000000000000000000001"]),
           matching=["platform", "disk"])
    lic = bound(rec2, id=lid("mismatch-only-os-matches"))
    lic_ok("mismatch-only-os-matches", g, "disk changed, os matches: no hardware class matches (and 1 of 2)", lic,
           expect="machine_mismatch", machine_=machine(disk=["X"]), matching=["platform", "os"])
    rec1 = machine(nic=None, os=None, board=None)  # disk only: N = 1
    lic = bound(rec1, id=lid("match-one-recorded"))
    lic_ok("match-one-recorded", g, "1 strong recorded (disk), it matches", lic, machine_=SERVER,
           matching=["platform", "disk"])
    lic = bound(rec1, id=lid("mismatch-one-recorded"))
    lic_ok("mismatch-one-recorded", g, "1 strong recorded (disk), it changed", lic, expect="machine_mismatch",
           machine_=machine(disk=["X"]), matching=["platform"])
    m = machine(nic=["52:54:00:12:34:56", "52:54:00:ab:cd:ef"])
    lic = bound(m, id=lid("match-any-overlap"))
    lic_ok("match-any-overlap", g, "recorded nic [A, B], current [B, C]: a class matches on any shared hash", lic,
           machine_=machine(nic=["52:54:00:ab:cd:ef", "52:54:00:99:99:99"]), matching=all5)
    # Salt rules: the hashes depend on key_id (lowercase text) and product.
    lic = Lic(id=lid("mismatch-salt-other-product"), unbound=False)
    lic.hashes = hashes_of(SERVER, TRUSTED_ID, "acme-studio-pro")
    lic_ok("mismatch-salt-other-product", g, "hashes made with the salt of another product match nothing", lic,
           expect="machine_mismatch", machine_=SERVER, matching=[])
    lic = Lic(id=lid("mismatch-salt-uppercase-key-id"), unbound=False)
    lic.hashes = hashes_of(SERVER, TRUSTED_ID.upper(), PRODUCT)
    lic_ok("mismatch-salt-uppercase-key-id", g, "hashes salted with the key id in uppercase match nothing "
           "(the salt uses the 16 lowercase digits)", lic, expect="machine_mismatch", machine_=SERVER, matching=[])
    lic = Lic(id=lid("mismatch-salt-no-class-name"), unbound=False)
    lic.hashes = {c: sorted(hmac.new(product_salt(TRUSTED_ID, PRODUCT), v.encode(), hashlib.sha256).digest()[:16]
                            .hex() for v in SERVER[c]) for c in CLASSES}
    lic_ok("mismatch-salt-no-class-name", g, "hashes of the bare value (without 'class' LF) match nothing", lic,
           expect="machine_mismatch", machine_=SERVER, matching=[])
    lic = bound(id=lid("match-product-salt"), product="Über-Studio 😀")
    lic_ok("match-product-salt", g, "the salt uses the product's UTF-8 bytes (non-ASCII product)", lic,
           machine_=SERVER, matching=all5)
    # Environments.
    cont = machine(environment="container")
    lic_ok("container-without-allow", g, "a container, allow_container = false: unbindable even though all matches",
           bound(id=lid("container-without-allow")), expect="unbindable_environment", machine_=cont, matching=all5)
    lic_ok("container-with-allow", g, "a container, allow_container = true, host disks and NICs visible",
           bound(id=lid("container-with-allow"), allow_container=True), machine_=cont, matching=all5)
    c2 = machine(environment="container", disk=None, nic=None, board=None)
    lic_ok("container-with-allow-no-host-hardware", g, "allow_container = true but no host hardware visible "
           "(only platform and os)", bound(id=lid("container-with-allow-no-host-hardware"), allow_container=True),
           expect="unbindable_environment", machine_=c2, matching=["platform", "os"])
    c3 = machine(environment="container", disk=["OTHERHOST1"], nic=["02:42:ac:11:00:02"])
    lic_ok("container-with-allow-mismatch", g, "allow_container = true, in a container on another host",
           bound(id=lid("container-with-allow-mismatch"), allow_container=True), expect="machine_mismatch",
           machine_=c3, matching=["platform", "os", "board"])
    c4 = {"environment": "container", "platform": ["other"], "disk": ["OTHER"]}
    lic_ok("container-before-mismatch", g, "unbindable_environment is reported before machine_mismatch",
           bound(id=lid("container-before-mismatch")), expect="unbindable_environment", machine_=c4, matching=[])
    c5 = machine(environment="container", disk=None, nic=None)
    lic_ok("container-with-allow-board-only", g, "allow_container = true, only the host board visible",
           bound(id=lid("container-with-allow-board-only"), allow_container=True), expect="machine_mismatch",
           machine_=c5, matching=["platform", "os", "board"])
    lic = bound(machine(nic=None, os=None), id=lid("container-with-allow-board-match"), allow_container=True)
    lic_ok("container-with-allow-board-match", g, "allow_container = true, disk and board of the host match", lic,
           machine_=machine(environment="container", nic=None), matching=["platform", "disk", "board"])
    lic = bound(machine(nic=None, board=None), id=lid("container-with-allow-unrecorded-nic"), allow_container=True)
    lic_ok("container-with-allow-unrecorded-nic", g, "allow_container = true, the host shows only a NIC, which the "
           "license does not record: unbindable", lic, expect="unbindable_environment",
           machine_=machine(environment="container", disk=None, board=None), matching=["platform", "os"])
    lic_ok("environment-unknown", g, "environment unknown is checked like bare metal",
           bound(id=lid("environment-unknown")), machine_=machine(environment="unknown"), matching=all5)
    lic_ok("environment-vm-one-changed", g, "a VM whose NIC changed: 3 of 4 match",
           bound(id=lid("environment-vm-one-changed")),
           machine_=machine(environment="vm", nic=["52:54:00:65:43:21"]),
           matching=["platform", "disk", "os", "board"])
    _ = strong4


# ---------------------------------------------------------------------------------------------
# Policy airlock-match-v2 (FORMAT.md 3.6, 4.6, 5.2). Written after every v1 case, so the files of
# the v1 cases keep their numbers.

# A desktop with a factory-set (universally administered) MAC and no board class (the default).
WORKSTATION = {
    "environment": "bare-metal",
    "platform": ["cpuid GenuineIntel family 6 model 158 stepping 10 brand Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz"],
    "disk": ["S4EWNX0R812345"],
    "nic": ["00:1b:21:3a:4f:5e"],
    "os": ["7c1e4a92b3d54f60a8e2c4b6d9f01357"],
}
# A QEMU/KVM guest with QEMU's default MAC (software-assigned) and a virtio disk serial.
VMGUEST = {
    "environment": "vm",
    "platform": ["cpuid AuthenticAMD family 25 model 1 stepping 1 brand AMD EPYC 7763 64-Core Processor"],
    "disk": ["VOL-7F3A21C4E9"],
    "nic": ["52:54:00:12:34:56"],
    "os": ["3b8d0e6f1a2c4e57b9d1f3a5c7e90246"],
}
# A Firecracker micro-VM like the CI machine: MAC 02:fc:00:00:00:01 (software-assigned).
MICROVM = machine(VMGUEST, disk=["FCROOT0001"], nic=["02:fc:00:00:00:01"], os=["e5a1c3b7d9f24680ace13579bdf02468"])
NEW_CPU = ["cpuid GenuineIntel family 6 model 167 stepping 1 brand 11th Gen Intel(R) Core(TM) i7-11700K @ 3.60GHz"]
OTHER_HOST_CPU = ["cpuid AuthenticAMD family 25 model 17 stepping 1 brand AMD EPYC 9654 96-Core Processor"]


def software_assigned(value: str) -> bool:
    """FORMAT.md 4.6 rule 1: the locally-administered bit of the first byte (no WSL2 in the vectors)."""
    return bool(int(value[:2], 16) & 0x02)


def evidence_of(m: dict, key_id: str = TRUSTED_ID, product: str = PRODUCT) -> Optional[List[str]]:
    """The request's evidence_only for machine `m`: hashes of its software-assigned MACs, sorted; None if none."""
    out = sorted(component_hash(key_id, product, "nic", v) for v in m.get("nic", []) if software_assigned(v))
    return out or None


def bound_v2(m: dict, evidence: bool = True, **kw) -> Lic:
    """A v2 license issued from the request of `m` (evidence_only copied from it unless evidence=False)."""
    lic = bound(m, policy=POLICY_V2, **kw)
    if evidence:
        lic.evidence_only = evidence_of(m, lic.key_id, lic.product)
    return lic


def v2_version_cases():
    g = "version"
    for name, value, why in [("policy-v3-with-evidence-only", "airlock-match-v3",
                              "a later policy with an evidence_only key: the policy decides (not the v1 rule)"),
                             ("policy-v2-uppercase", "AIRLOCK-MATCH-V2", "policy names are compared exactly"),
                             ("policy-v2-trailing-space", "airlock-match-v2 ", "a space after the policy name")]:
        lic = bound_v2(VMGUEST, id=lid(name))
        lic_bad(name, g, why, replace_once(body_of(lic), '"%s"' % POLICY_V2, q(value)), expect="unsupported_version")


def v2_accepted_cases():
    g = "accepted"
    lic_ok("v2-ok-bound", g, "policy airlock-match-v2 without evidence_only (no software-assigned MAC)",
           bound_v2(WORKSTATION), machine_=WORKSTATION, proof=["disk", "nic"])
    lic_ok("v2-ok-evidence-only", g, "policy airlock-match-v2 with evidence_only naming the QEMU default MAC",
           bound_v2(VMGUEST), machine_=VMGUEST, proof=["disk"])
    two = machine(VMGUEST, nic=["52:54:00:12:34:56", "52:54:00:ab:cd:ef"])
    lic = bound_v2(two)
    lic.evidence_only = list(reversed(lic.evidence_only))
    lic_ok("v2-ok-evidence-only-unsorted", g, "evidence_only need not be sorted", lic, machine_=two, proof=["disk"])
    many = machine(VMGUEST, nic=["02:00:00:00:00:%02x" % i for i in range(16)])
    lic = bound_v2(many)
    assert len(lic.evidence_only) == 16
    lic_ok("v2-ok-evidence-only-16", g, "16 evidence_only hashes: the whole nic array", lic, machine_=many,
           proof=["disk"])
    mixed = machine(WORKSTATION, nic=["00:1b:21:3a:4f:5e", "ba:dc:0f:fe:e0:01"])
    lic_ok("v2-ok-evidence-only-some-nic", g, "evidence_only names one of two NICs (a factory MAC and a "
           "software-assigned one)", bound_v2(mixed), machine_=mixed, proof=["disk", "nic"])
    lic_ok("v2-ok-bound-full", g, "policy airlock-match-v2 with all five classes and allow_container = true",
           bound_v2(machine(WORKSTATION, board=["4c4c4544-0039-5710-8052-b4c04f4e3332"]), allow_container=True),
           machine_=machine(WORKSTATION, board=["4c4c4544-0039-5710-8052-b4c04f4e3332"]),
           proof=["disk", "nic", "board"])


def v2_machine_table_cases():
    g = "machine-table"
    h = hashes_of(VMGUEST)
    eo = evidence_of(VMGUEST)
    ev = "evidence_only = %s\n" % qa(eo)

    def eo_bad(name, why, old, new, lic=None):
        lic = lic or bound_v2(VMGUEST, id=lid(name))
        if not lic.id:
            lic.id = lid(name)
        lic_bad(name, g, why, replace_once(body_of(lic), old, new))

    lic = bound(VMGUEST, id=lid("evidence-only-policy-v1"))
    lic.evidence_only = eo
    lic_bad("evidence-only-policy-v1", g, "evidence_only with policy airlock-match-v1", body_of(lic))
    lic_bad("evidence-only-unbound", g, "evidence_only in an unbound [machine]",
            replace_once(body_of(base("evidence-only-unbound")), "unbound = true\n", "unbound = true\n" + ev))
    eo_bad("evidence-only-empty", "evidence_only = [] (a license without software-assigned MACs leaves it out)",
           ev, "evidence_only = []\n")
    other = component_hash(TRUSTED_ID, PRODUCT, "nic", "52:54:00:ab:cd:ef")
    eo_bad("evidence-only-not-in-nic", "an evidence_only hash that is not in nic (another MAC's hash)", ev,
           "evidence_only = %s\n" % qa([other]))
    eo_bad("evidence-only-platform-hash", "an evidence_only hash that is in platform, not in nic", ev,
           "evidence_only = %s\n" % qa(h["platform"]))
    eo_bad("evidence-only-some-not-in-nic", "two evidence_only hashes, the second not in nic", ev,
           "evidence_only = %s\n" % qa(eo + [other]))
    lic = bound_v2(VMGUEST, id=lid("evidence-only-no-nic"))
    del lic.hashes["nic"]
    lic_bad("evidence-only-no-nic", g, "evidence_only while nic is not recorded", body_of(lic))
    eo_bad("evidence-only-duplicate", "the same hash twice in evidence_only", ev,
           "evidence_only = %s\n" % qa(eo + eo))
    eo_bad("evidence-only-uppercase", "an uppercase evidence_only hash", ev,
           "evidence_only = %s\n" % qa([eo[0].upper()]))
    eo_bad("evidence-only-31-digits", "an evidence_only hash of 31 hex digits", ev,
           "evidence_only = %s\n" % qa([eo[0][:31]]))
    eo_bad("evidence-only-string", "evidence_only as a string, not an array", ev, "evidence_only = %s\n" % q(eo[0]))
    eo_bad("evidence-only-twice", "evidence_only twice", ev, ev + ev)
    eo_bad("evidence-only-before-os", "evidence_only before os (it comes last)",
           "os = %s\n%s" % (qa(h["os"]), ev), "%sos = %s\n" % (ev, qa(h["os"])))
    withboard = machine(VMGUEST, board=["8d2f6a10-3c4b-4e59-9a7d-0b1c2d3e4f50"])
    hb = hashes_of(withboard)
    eo_bad("evidence-only-before-board", "evidence_only before board (it comes last)",
           "board = %s\n%s" % (qa(hb["board"]), ev), "%sboard = %s\n" % (ev, qa(hb["board"])),
           lic=bound_v2(withboard, id=lid("evidence-only-before-board")))
    lic = bound_v2(VMGUEST, id=lid("evidence-only-after-policy"))
    body = replace_once(body_of(lic), ev, "")
    body = replace_once(body, 'policy = "airlock-match-v2"\n', 'policy = "airlock-match-v2"\n' + ev)
    lic_bad("evidence-only-after-policy", g, "evidence_only right after policy (it comes last)", body)


def v2_binding_cases():
    g = "binding"
    w, v = WORKSTATION, VMGUEST
    # One change of any class passes; two fail (4 classes recorded: 3 needed; disk and nic are proofs).
    lic_ok("v2-match-platform-changed", g, "v2: a CPU upgrade is one change of four (v1 fails it)",
           bound_v2(w), machine_=machine(w, platform=NEW_CPU), matching=["disk", "nic", "os"], proof=["disk", "nic"])
    lic_ok("v2-match-disk-changed", g, "v2: the disk replaced, the factory MAC is the proof",
           bound_v2(w), machine_=machine(w, disk=["S5GXNF0R998877"]), matching=["platform", "nic", "os"],
           proof=["nic"])
    lic_ok("v2-match-nic-changed", g, "v2: the network card replaced (another factory MAC), the disk is the proof",
           bound_v2(w), machine_=machine(w, nic=["a0:36:9f:12:34:56"]), matching=["platform", "disk", "os"],
           proof=["disk"])
    lic_ok("v2-match-os-changed", g, "v2: the OS reinstalled (new machine-id)", bound_v2(w),
           machine_=machine(w, os=["00000000000000000000000000000001"]), matching=["platform", "disk", "nic"],
           proof=["disk", "nic"])
    lic_ok("v2-match-platform-missing", g, "v2: the CPU cannot be read now: 3 of 4 match", bound_v2(w),
           machine_=machine(w, platform=None), matching=["disk", "nic", "os"], proof=["disk", "nic"])
    lic_ok("v2-match-disk-missing-factory-mac", g, "v2: the disk cannot be read now, the factory MAC is the proof",
           bound_v2(w), machine_=machine(w, disk=None), matching=["platform", "nic", "os"], proof=["nic"])
    lic_ok("v2-mismatch-platform-os-changed", g, "v2: CPU and OS changed: 2 of 4 match, 3 needed", bound_v2(w),
           expect="machine_mismatch", machine_=machine(w, platform=NEW_CPU, os=["00000000000000000000000000000001"]),
           matching=["disk", "nic"], proof=["disk", "nic"])
    lic_ok("v2-mismatch-disk-nic-changed", g, "v2: disk and network card changed: 2 of 4 match, 3 needed",
           bound_v2(w), expect="machine_mismatch",
           machine_=machine(w, disk=["S5GXNF0R998877"], nic=["a0:36:9f:12:34:56"]), matching=["platform", "os"],
           proof=[])
    lic = bound_v2(machine(w, nic=None, os=None))
    lic_ok("v2-mismatch-two-recorded-platform-changed", g, "v2: platform and disk recorded (N = 2): both must match",
           lic, expect="machine_mismatch", machine_=machine(w, platform=NEW_CPU), matching=["disk"], proof=["disk"])
    w5 = machine(w, board=["4c4c4544-0039-5710-8052-b4c04f4e3332"])
    lic_ok("v2-match-board-not-collected", g, "v2: five recorded, board not collected now (missing): 4 of 5 match",
           bound_v2(w5), machine_=w, matching=["platform", "disk", "nic", "os"], proof=["disk", "nic"])
    lic_ok("v2-mismatch-board-not-collected-disk-changed", g, "v2: board missing and disk changed: 3 of 5 match, "
           "4 needed (a missing class does not match)", bound_v2(w5), expect="machine_mismatch",
           machine_=machine(w, disk=["S5GXNF0R998877"]), matching=["platform", "nic", "os"], proof=["nic"])
    lic_ok("v2-match-nic-only-factory-mac", g, "v2: platform, os and a factory MAC recorded: the MAC is the proof",
           bound_v2(machine(w, disk=None)), machine_=w, matching=["platform", "nic", "os"], proof=["nic"])

    # Software-assigned MACs: evidence, never proof.
    lic_ok("v2-mismatch-clone-qemu-mac", g, "v2: a clone (same machine-id, QEMU's default MAC, same host CPU), "
           "another disk: no hardware proof", bound_v2(v), expect="machine_mismatch",
           machine_=machine(v, disk=["VOL-2B9C04D7A1"]), matching=["platform", "nic", "os"], proof=[])
    lic_ok("v2-mismatch-vm-disk-changed-microvm-mac", g, "v2: a micro-VM (MAC 02:fc:00:00:00:01) whose disk changed",
           bound_v2(MICROVM), expect="machine_mismatch", machine_=machine(MICROVM, disk=["FCROOT0002"]),
           matching=["platform", "nic", "os"], proof=[])
    lic_ok("v2-mismatch-vm-disk-missing", g, "v2: the VM's disk cannot be read now: 3 of 4 match, but its only "
           "proof is gone (a clone's hypervisor can hide a serial too)", bound_v2(v), expect="machine_mismatch",
           machine_=machine(v, disk=None), matching=["platform", "nic", "os"], proof=[])
    lic_ok("v2-mismatch-vm-disk-missing-microvm-mac", g, "v2: a micro-VM whose disk cannot be read now",
           bound_v2(MICROVM), expect="machine_mismatch", machine_=machine(MICROVM, disk=None),
           matching=["platform", "nic", "os"], proof=[])
    lic_ok("v2-match-vm-platform-changed", g, "v2: the VM moved to a host with another CPU: the disk is the proof",
           bound_v2(v), machine_=machine(v, platform=OTHER_HOST_CPU), matching=["disk", "nic", "os"], proof=["disk"])
    lic_ok("v2-mismatch-vm-disk-missing-platform-changed", g, "v2: VM disk missing and CPU changed: 2 of 4 match",
           bound_v2(v), expect="machine_mismatch", machine_=machine(v, disk=None, platform=OTHER_HOST_CPU),
           matching=["nic", "os"], proof=[])
    lic_ok("v2-mismatch-clone-no-evidence-only", g, "v2 without evidence_only (an older request): the verifier's "
           "own test (E_C) keeps the QEMU MAC from being proof, so a clone fails", bound_v2(v, evidence=False),
           expect="machine_mismatch", machine_=machine(v, disk=["VOL-2B9C04D7A1"]),
           matching=["platform", "nic", "os"], proof=[])
    lic_ok("v2-mismatch-vm-disk-missing-no-evidence-only", g, "v2 without evidence_only: nic stays proof-capable "
           "and is read now (not missing), so a missing disk fails", bound_v2(v, evidence=False),
           expect="machine_mismatch", machine_=machine(v, disk=None), matching=["platform", "nic", "os"], proof=[])
    lic_ok("v2-mismatch-no-proof-recorded", g, "v2: only platform, os and an evidence-only nic recorded: no hardware "
           "proof, even on the same machine", bound_v2(machine(v, disk=None)), expect="machine_mismatch",
           machine_=v, matching=["platform", "nic", "os"], proof=[])
    lic = bound_v2(w)
    lic.evidence_only = list(lic.hashes["nic"])
    lic_ok("v2-mismatch-evidence-only-factory-mac", g, "v2: evidence_only names a factory MAC: the license decides, "
           "so with the disk changed nothing is proof", lic, expect="machine_mismatch",
           machine_=machine(w, disk=["S5GXNF0R998877"]), matching=["platform", "nic", "os"], proof=[])
    mixed = machine(w, nic=["00:1b:21:3a:4f:5e", "ba:dc:0f:fe:e0:01"])
    lic_ok("v2-match-mixed-nic-factory-mac-matches", g, "v2: factory and software-assigned MAC recorded, disk "
           "changed: the factory MAC is the proof", bound_v2(mixed), machine_=machine(mixed, disk=["S5GXNF0R998877"]),
           matching=["platform", "nic", "os"], proof=["nic"])
    lic_ok("v2-mismatch-mixed-nic-only-soft-matches", g, "v2: disk changed and only the software-assigned MAC "
           "still matches: nic is evidence, not proof, and not missing", bound_v2(mixed), expect="machine_mismatch",
           machine_=machine(mixed, disk=["S5GXNF0R998877"], nic=["a0:36:9f:12:34:56", "ba:dc:0f:fe:e0:01"]),
           matching=["platform", "nic", "os"], proof=[])

    # The container rule is the same as in v1.
    cont = machine(w, environment="container")
    lic_ok("v2-container-without-allow", g, "v2 in a container without allow_container: unbindable",
           bound_v2(w), expect="unbindable_environment", machine_=cont, matching=["platform", "disk", "nic", "os"],
           proof=["disk", "nic"])
    lic_ok("v2-container-with-allow", g, "v2 in a container, allow_container = true, host disk and NIC visible",
           bound_v2(w, allow_container=True), machine_=cont, matching=["platform", "disk", "nic", "os"],
           proof=["disk", "nic"])

    # v1 licenses keep the v1 verdicts on the same machines and changes.
    lic_ok("v1-mismatch-platform-changed", g, "v1 on the v2 CPU upgrade: platform must match under v1", bound(w),
           expect="machine_mismatch", machine_=machine(w, platform=NEW_CPU), matching=["disk", "nic", "os"])
    lic_ok("v1-match-disk-changed", g, "v1 on the v2 disk change: 2 of 3 strong match", bound(w),
           machine_=machine(w, disk=["S5GXNF0R998877"]), matching=["platform", "nic", "os"])
    lic_ok("v1-match-clone-qemu-mac", g, "v1 on the v2 clone: v1 counts QEMU's MAC as hardware, so the clone passes",
           bound(v), machine_=machine(v, disk=["VOL-2B9C04D7A1"]), matching=["platform", "nic", "os"])
    lic_ok("v1-match-vm-disk-missing", g, "v1 on the VM whose disk cannot be read: counted as changed, 2 of 3 match",
           bound(v), machine_=machine(v, disk=None), matching=["platform", "nic", "os"])
    lic_ok("v1-mismatch-vm-platform-changed", g, "v1 on the VM moved to another host CPU: platform must match",
           bound(v), expect="machine_mismatch", machine_=machine(v, platform=OTHER_HOST_CPU),
           matching=["disk", "nic", "os"])
    lic_ok("v1-match-platform-os-nic-only", g, "v1 with platform, os and QEMU's MAC recorded: the MAC is hardware "
           "under v1", bound(machine(v, disk=None)), machine_=v, matching=["platform", "nic", "os"])


def v2_request_cases():
    g = "request-accepted"
    v = VMGUEST
    r = Req(hashes=hashes_of(v), evidence_only=evidence_of(v))
    req_ok("req-ok-evidence-only", g, "evidence_only naming QEMU's default MAC", r)
    two = machine(v, nic=["52:54:00:12:34:56", "52:54:00:ab:cd:ef"])
    r = Req(hashes=hashes_of(two), evidence_only=list(reversed(evidence_of(two))))
    req_ok("req-ok-evidence-only-unsorted", g, "evidence_only need not be sorted", r)
    mixed = machine(WORKSTATION, nic=["00:1b:21:3a:4f:5e", "ba:dc:0f:fe:e0:01"])
    r = Req(environment="bare-metal", hashes=hashes_of(mixed), evidence_only=evidence_of(mixed))
    req_ok("req-ok-evidence-only-some-nic", g, "evidence_only names one of two NICs", r)
    many = machine(v, nic=["02:00:00:00:00:%02x" % i for i in range(16)])
    r = Req(hashes=hashes_of(many), evidence_only=evidence_of(many))
    req_ok("req-ok-evidence-only-16", g, "16 evidence_only hashes: the whole nic array", r)
    board = machine(v, board=["8d2f6a10-3c4b-4e59-9a7d-0b1c2d3e4f50"])
    r = Req(hashes=hashes_of(board), evidence_only=evidence_of(board))
    req_ok("req-ok-evidence-only-after-board", g, "evidence_only after board, the last key", r)

    g = "request-fields"
    h = hashes_of(v)
    eo = evidence_of(v)
    other = component_hash(TRUSTED_ID, PRODUCT, "nic", "52:54:00:ab:cd:ef")
    for name, value, why in [("req-evidence-only-empty", [], "evidence_only = []"),
                             ("req-evidence-only-not-in-nic", [other], "an evidence_only hash that is not in nic"),
                             ("req-evidence-only-disk-hash", h["disk"], "an evidence_only hash that is in disk only"),
                             ("req-evidence-only-duplicate", eo + eo, "the same hash twice in evidence_only"),
                             ("req-evidence-only-uppercase", [eo[0].upper()], "an uppercase evidence_only hash")]:
        req_bad(name, g, why, request_text(Req(hashes=h, evidence_only=value)))
    nonic = {c: x for c, x in h.items() if c != "nic"}
    req_bad("req-evidence-only-no-nic", g, "evidence_only without a nic array",
            request_text(Req(hashes=nonic, evidence_only=eo)))
    ev = "evidence_only = %s\n" % qa(eo)
    r = Req(hashes=h, evidence_only=eo)
    req_bad("req-evidence-only-string", g, "evidence_only as a string", req_mut(ev, "evidence_only = %s\n" % q(eo[0]),
                                                                              r))
    req_bad("req-evidence-only-twice", g, "evidence_only twice", req_mut(ev, ev + ev, r))
    req_bad("req-evidence-only-before-os", g, "evidence_only before os (it comes last)",
            req_mut("os = %s\n%s" % (qa(h["os"]), ev), "%sos = %s\n" % (ev, qa(h["os"])), r))
    hb = hashes_of(board)
    r = Req(hashes=hb, evidence_only=eo)
    req_bad("req-evidence-only-before-board", g, "evidence_only before board (it comes last)",
            req_mut("board = %s\n%s" % (qa(hb["board"]), ev), "%sboard = %s\n" % (ev, qa(hb["board"])), r))


# ---------------------------------------------------------------------------------------------
# Requests.


@dataclasses.dataclass
class Req:
    product: str = PRODUCT
    key_id: str = TRUSTED_ID
    created: str = "2025-02-27T16:04:59Z"
    tool: str = "airlock-hwid 0.1.0"
    environment: str = "vm"
    hashes: Dict[str, List[str]] = dataclasses.field(default_factory=lambda: hashes_of(machine(board=None)))
    comments: List[str] = dataclasses.field(default_factory=lambda: list(REQUEST_COMMENTS))
    evidence_only: Optional[List[str]] = None
    replaces: Optional[str] = None  # [request] replaces, written last in [request] when not None


def request_text(r: Req) -> str:
    lines = list(r.comments)
    lines += ["[request]", "format = 1", "product = " + q(r.product), "key_id = " + q(r.key_id),
              "created = " + r.created, "tool = " + q(r.tool), "environment = " + q(r.environment)]
    if r.replaces is not None:
        lines.append("replaces = " + q(r.replaces))
    lines += ["", "[machine]"]
    lines += ["%s = %s" % (c, qa(r.hashes[c])) for c in CLASSES if c in r.hashes]
    if r.evidence_only is not None:
        lines.append("evidence_only = " + qa(r.evidence_only))
    return "\n".join(lines) + "\n"


def request_values(r: Req) -> dict:
    v = {"product": r.product, "key_id": r.key_id, "created": DateTime(r.created), "tool": r.tool,
         "environment": r.environment}
    if r.replaces is not None:
        v["replaces"] = r.replaces
    for c in CLASSES:
        if c in r.hashes:
            v[c] = list(r.hashes[c])
    if r.evidence_only is not None:
        v["evidence_only"] = list(r.evidence_only)
    return v


def req_ok(name, group, why, r: Req, data=None):
    add("request", name, group, "ok", why, data if data is not None else request_text(r), values=request_values(r))


def req_bad(name, group, why, data, expect="malformed"):
    add("request", name, group, expect, why, data)


def req_mut(old, new, r: Req = None) -> bytes:
    return replace_once(request_text(r or Req()), old, new)


def request_cases():
    g = "request-accepted"
    req_ok("req-ok-typical", g, "the request of FORMAT.md section 6 (four classes, a VM)", Req())
    req_ok("req-ok-all-classes", g, "all five classes", Req(hashes=hashes_of(SERVER)))
    req_ok("req-ok-empty-machine", g, "[machine] present and empty: nothing was found", Req(hashes={}))
    req_ok("req-ok-platform-only", g, "only platform", Req(hashes=hashes_of(SERVER, classes=["platform"])))
    for env in ["bare-metal", "vm", "container", "unknown"]:
        req_ok("req-ok-env-" + env, g, "environment = %s" % env, Req(environment=env))
    req_ok("req-ok-no-comments", g, "no comment lines", Req(comments=[]))
    req_ok("req-ok-extra-comments", g, "more comment lines, one empty", Req(comments=REQUEST_COMMENTS + ["#", "# ☃"]))
    r = Req()
    req_ok("req-ok-bom", g, "a leading BOM is dropped", r, data=b"\xef\xbb\xbf" + request_text(r).encode())
    req_ok("req-ok-crlf", g, "CRLF line endings", r, data=request_text(r).encode().replace(b"\n", b"\r\n"))
    req_ok("req-ok-bom-crlf", g, "BOM and CRLF", r,
           data=b"\xef\xbb\xbf" + request_text(r).encode().replace(b"\n", b"\r\n"))
    req_ok("req-ok-final-blank-line", g, "a document may end with one blank line", r,
           data=request_text(r).encode() + b"\n")
    many = machine(disk=["DISK%02d" % i for i in range(16)])
    req_ok("req-ok-16-hashes", g, "16 disk hashes", Req(hashes=hashes_of(many)))
    req_ok("req-ok-product-128", g, "product of 128 bytes", Req(product="p" * 128))
    req_ok("req-ok-tool-128", g, "tool of 128 bytes", Req(tool="t" * 128))
    req_ok("req-ok-product-utf8", g, "non-ASCII product and tool", Req(product="Über-Studio 😀", tool="hwid ☃ 1"))
    req_ok("req-ok-created-0001", g, "created 0001-01-01T00:00:00Z", Req(created="0001-01-01T00:00:00Z"))
    req_ok("req-ok-created-9999", g, "created 9999-12-31T23:59:59Z", Req(created="9999-12-31T23:59:59Z"))
    req_ok("req-ok-other-key-id", g, "a request for any vendor key id", Req(key_id=OTHER_ID))
    r = Req(hashes=hashes_of(SERVER))
    r.hashes["disk"] = list(reversed(r.hashes["disk"]))
    req_ok("req-ok-unsorted-hashes", g, "hashes within a class need not be sorted", r)
    r = Req()
    have = request_text(r).count("\n")
    r.comments = REQUEST_COMMENTS + ["# line %04d" % i for i in range(1024 - have)]
    assert request_text(r).count("\n") == 1024
    req_ok("req-ok-1024-lines", g, "a request of 1024 lines", r)
    r = Req()
    pad = MAX_SIZE - len(request_text(r).encode()) - 3
    r.comments = REQUEST_COMMENTS + ["# " + "x" * pad]
    assert len(request_text(r).encode()) == MAX_SIZE
    req_ok("req-ok-65536-bytes", g, "a request of exactly 65536 bytes (one long comment)", r)

    g = "request-version"
    for value, name in [("2", "2"), ("0", "0"), ("-1", "minus-1"), ("9223372036854775807", "int64-max")]:
        req_bad("req-version-" + name, g, "format = %s is another version" % value,
                req_mut("format = 1\n", "format = %s\n" % value), expect="unsupported_version")
    req_bad("req-version-2-unknown-tables", g, "format = 2 wins over unknown keys and tables",
            req_mut("format = 1\n", "format = 2\n") + b"\n[tpm]\nekpub = 'x'\n", expect="unsupported_version")
    req_bad("req-version-2-unparsable-rest", g, "format = 2 wins over a rest that is not TOML of version 1",
            b"[request]\nformat = 2\n\tanything = {goes = 'here'}\n", expect="unsupported_version")
    req_bad("req-version-2-bom-crlf", g, "format = 2 after BOM and CRLF",
            b"\xef\xbb\xbf" + req_mut("format = 1\n", "format = 2\n").replace(b"\n", b"\r\n"),
            expect="unsupported_version")
    for name, value, why in [("req-version-leading-zero", "01", "01"), ("req-version-plus", "+1", "+1"),
                             ("req-version-minus-zero", "-0", "-0"), ("req-version-float", "1.0", "1.0"),
                             ("req-version-string", '"1"', 'the string "1"'),
                             ("req-version-overflow", "9223372036854775808", "2^63"),
                             ("req-version-empty", "", "an empty value"),
                             ("req-version-2-comment", "2 # later", "2 with a comment")]:
        req_bad(name, g, "format = %s is not a canonical integer" % why, req_mut("format = 1\n",
                                                                                 "format = %s\n" % value))
    req_bad("req-version-missing", g, "no format line", req_mut("format = 1\n", ""))
    req_bad("req-version-after-product", g, "format is not the first key",
            req_mut('format = 1\nproduct = "acme-studio"\n', 'product = "acme-studio"\nformat = 1\n'))
    req_bad("req-version-first-table", g, "the first table is [license], not [request]",
            req_mut("[request]\n", "[license]\n"))
    req_bad("req-version-blank-first", g, "a blank line before [request]",
            req_mut(REQUEST_COMMENTS[1] + "\n", REQUEST_COMMENTS[1] + "\n\n"))
    req_bad("req-version-format-in-machine", g, "a format = 2 line in [machine] is no version, but an unknown key",
            request_text(Req()).encode() + b"format = 2\n")
    req_bad("req-empty", g, "an empty file", b"")

    g = "request-fields"
    for field, limit in [("product", 128), ("tool", 128)]:
        req_bad("req-%s-empty" % field, g, "an empty %s" % field, request_text(Req(**{field: ""})))
        req_bad("req-%s-%d" % (field, limit + 1), g, "%s of %d bytes" % (field, limit + 1),
                request_text(Req(**{field: "x" * (limit + 1)})))
        for name, ch, why in [("c0", "\x01", "U+0001 (C0)"), ("tab", "\t", "a tab (C0)"), ("del", "\x7f", "DEL"),
                              ("c1", "\u0085", "U+0085 (C1)")]:
            req_bad("req-%s-%s" % (field, name), g, "%s holds %s" % (field, why),
                    request_text(Req(**{field: "a" + ch + "b"})))
    req_bad("req-key-id-uppercase", g, "an uppercase key_id", request_text(Req(key_id=TRUSTED_ID.upper())))
    req_bad("req-key-id-15", g, "a key_id of 15 digits", request_text(Req(key_id=TRUSTED_ID[:15])))
    req_bad("req-created-0000", g, "created in year 0000", request_text(Req(created="0000-12-31T23:59:59Z")))
    req_bad("req-created-date", g, "created as a date", request_text(Req(created="2025-02-27")))
    req_bad("req-created-invalid", g, "created 2025-02-29", request_text(Req(created="2025-02-29T10:00:00Z")))
    req_bad("req-created-offset", g, "created with +01:00", request_text(Req(created="2025-02-27T17:04:59+01:00")))
    for env, name in [("docker", "docker"), ("VM", "uppercase-vm"), ("", "empty"), ("bare_metal", "underscore"),
                      ("baremetal", "no-dash"), ("vm ", "trailing-space")]:
        req_bad("req-env-" + name, g, "environment = %s is not one of bare-metal, vm, container, unknown" % q(env),
                request_text(Req(environment=env)))
    req_bad("req-unknown-key-request", g, "an unknown key hostname in [request]",
            req_mut('environment = "vm"\n', 'environment = "vm"\nhostname = "build-01"\n'))
    req_bad("req-unknown-key-machine", g, "an unknown class mac in [machine]",
            request_text(Req()).encode() + b'mac = ["52:54:00:12:34:56"]\n')
    req_bad("req-unknown-table", g, "an unknown table after [machine]", request_text(Req()).encode() +
            b'\n[user]\nname = "bob"\n')
    req_bad("req-key-order", g, "key_id before product",
            req_mut('product = "acme-studio"\nkey_id = "55946e28fb11b7ee"\n',
                    'key_id = "55946e28fb11b7ee"\nproduct = "acme-studio"\n'))
    req_bad("req-class-order", g, "nic before disk in [machine]", swap_lines(request_text(Req()), "disk = ", "nic = "))
    req_bad("req-missing-machine", g, "no [machine] table", req_mut('environment = "vm"\n\n[machine]\n',
                                                                    'environment = "vm"\n').split(b"platform")[0])
    req_bad("req-missing-tool", g, "no tool key", req_mut('tool = "airlock-hwid 0.1.0"\n', ""))
    req_bad("req-duplicate-machine", g, "[machine] twice", request_text(Req()).encode() + b"\n[machine]\n")
    h = hashes_of(SERVER)
    one = h["disk"][0]
    for name, new, why in [("req-hash-31", one[:31], "a hash of 31 digits"),
                           ("req-hash-uppercase", one.upper(), "an uppercase hash"),
                           ("req-hash-non-hex", "x" + one[1:], "a hash with 'x'")]:
        req_bad(name, g, why, request_text(Req(hashes={"platform": h["platform"], "disk": [new]})))
    req_bad("req-hash-duplicate", g, "the same hash twice", request_text(Req(hashes={"platform": h["platform"],
                                                                                    "disk": [one, one]})))
    req_bad("req-hash-17", g, "17 hashes in one class",
            request_text(Req(hashes=hashes_of(machine(disk=["D%02d" % i for i in range(17)])))))
    req_bad("req-hash-empty-array", g, "disk = [] (a class not found is left out)",
            request_text(Req(hashes={"platform": h["platform"], "disk": []})))

    g = "request-syntax"
    req_bad("req-no-final-lf", g, "the last line has no LF", request_text(Req()).encode()[:-1])
    req_bad("req-lone-cr", g, "a lone CR at the end of a line", req_mut('tool = "airlock-hwid 0.1.0"\n',
                                                                        'tool = "airlock-hwid 0.1.0"\r'))
    req_bad("req-cr-cr-lf", g, "CR CR LF leaves a CR", request_text(Req()).encode().replace(b"\n", b"\r\r\n"))
    r = Req()
    pad = MAX_SIZE - len(request_text(r).encode()) - 3 + 1
    r.comments = REQUEST_COMMENTS + ["# " + "x" * pad]
    req_bad("req-65537-bytes", g, "a request of 65537 bytes", request_text(r))
    r = Req()
    have = request_text(r).count("\n")
    r.comments = REQUEST_COMMENTS + ["# line %04d" % i for i in range(1025 - have)]
    req_bad("req-1025-lines", g, "a request of 1025 lines", request_text(r))
    req_bad("req-tab", g, "a tab before a value", req_mut('tool = "', 'tool =\t"'))
    req_bad("req-trailing-space", g, "a trailing space", req_mut('"vm"\n', '"vm" \n'))
    req_bad("req-comment-in-table", g, "a comment after the first table", req_mut("[machine]\n",
                                                                                  "[machine]\n# hashes\n"))
    req_bad("req-two-blank-lines", g, "two blank lines before [machine]", req_mut("\n[machine]\n",
                                                                                  "\n\n[machine]\n"))
    req_bad("req-no-blank-line", g, "no blank line before [machine]", req_mut("\n[machine]\n", "[machine]\n"))
    req_bad("req-two-final-blank-lines", g, "two blank lines at the end", request_text(Req()).encode() + b"\n\n")
    req_bad("req-literal-string", g, "a literal string", req_mut('"airlock-hwid 0.1.0"', "'airlock-hwid 0.1.0'"))
    req_bad("req-escape-u0041", g, "\\u0041 in the tool name", req_mut('"airlock-hwid 0.1.0"',
                                                                       '"\\u0041irlock-hwid 0.1.0"'))
    req_bad("req-double-bom", g, "two BOMs", b"\xef\xbb\xbf\xef\xbb\xbf" + request_text(Req()).encode())
    req_bad("req-invalid-utf8", g, "invalid UTF-8 in the tool name", req_mut('"airlock-hwid 0.1.0"',
                                                                            b'"airlock-hwid \xff"'))
    req_bad("req-array-no-space", g, "an array without the space after a comma",
            replace_once(request_text(Req()), '", "', '","'))


def swap_lines(text: str, a: str, b: str) -> str:
    lines = text.split("\n")
    ia = next(i for i, l in enumerate(lines) if l.startswith(a))
    ib = next(i for i, l in enumerate(lines) if l.startswith(b))
    lines[ia], lines[ib] = lines[ib], lines[ia]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Renewal fields, extensions and critical (FORMAT.md 3.4, 8.1). Written after every earlier case, so
# the files of those cases keep their numbers.


def renewal_cases():
    g = "renewal"
    lic_ok("ok-supersedes", g, "supersedes names the license this one replaces",
           base("ok-supersedes", supersedes=lid("an-older-license")))
    lic_ok("ok-supersedes-one-char", g, "supersedes of one character (the id rules)",
           base("ok-supersedes-one-char", supersedes="x"))
    lic_ok("ok-supersedes-all-classes", g, "supersedes using every id character class: A-Z a-z 0-9 . _ -",
           base("ok-supersedes-all-classes", supersedes="ACME-2024_order.16-zZ09"))
    lic_ok("ok-min-revocation-sequence", g, "min_revocation_sequence = 3, the product gives a list of sequence 3",
           base("ok-min-revocation-sequence", min_revocation_sequence=3), revocations="rl-ok-typical")
    lic_ok("ok-min-revocation-sequence-int64-max", g, "min_revocation_sequence = 2^63-1 with a list of that sequence",
           base("ok-min-revocation-sequence-int64-max", min_revocation_sequence=INT64_MAX),
           revocations="rl-ok-sequence-int64-max")
    lic_ok("ok-supersedes-and-min", g, "a renewal: supersedes and min_revocation_sequence, list of sequence 3",
           base("ok-supersedes-and-min", supersedes=lid("ok-supersedes"), min_revocation_sequence=1),
           revocations="rl-ok-typical")

    def bad(name, why, lic, old=None, new=None, expect="malformed"):
        if not lic.id:
            lic.id = lid(name)
        body = body_of(lic)
        if old is not None:
            body = replace_once(body, old, new)
        lic_bad(name, g, why, body, expect=expect)

    bad("supersedes-equals-id", "supersedes equals the license's own id",
        base("supersedes-equals-id", supersedes=lid("supersedes-equals-id")))
    bad("supersedes-space", "a space in supersedes", base("supersedes-space", supersedes="order 17"))
    bad("supersedes-slash", "a '/' in supersedes", base("supersedes-slash", supersedes="acme/17"))
    bad("supersedes-non-ascii", "a non-ASCII letter in supersedes", base("supersedes-non-ascii",
                                                                         supersedes="lizenz-ä"))
    bad("supersedes-empty", "an empty supersedes", base("supersedes-empty", supersedes=""))
    bad("supersedes-65-chars", "supersedes of 65 characters", base("supersedes-65-chars", supersedes="a" * 65))
    bad("supersedes-integer", "supersedes as an integer", base("supersedes-integer", supersedes="x"),
        'supersedes = "x"', "supersedes = 17")
    bad("supersedes-array", "supersedes as an array of ids", base("supersedes-array", supersedes="x"),
        'supersedes = "x"', 'supersedes = ["x"]')
    for value, name in [(0, "0"), (-1, "minus-1"), (INT64_MIN, "int64-min")]:
        bad("min-revocation-sequence-" + name, "min_revocation_sequence = %d (must be >= 1)" % value,
            base("min-revocation-sequence-" + name, min_revocation_sequence=value))
    bad("min-revocation-sequence-string", 'min_revocation_sequence = "3" (a string)',
        base("min-revocation-sequence-string", min_revocation_sequence=3), "min_revocation_sequence = 3",
        'min_revocation_sequence = "3"')
    bad("min-revocation-sequence-bool", "min_revocation_sequence = true",
        base("min-revocation-sequence-bool", min_revocation_sequence=3), "min_revocation_sequence = 3",
        "min_revocation_sequence = true")
    sup = 'supersedes = "%s"\n' % lid("x")
    bad("order-min-before-supersedes", "min_revocation_sequence before supersedes",
        base("order-min-before-supersedes", supersedes=lid("x"), min_revocation_sequence=3),
        sup + "min_revocation_sequence = 3\n", "min_revocation_sequence = 3\n" + sup)
    bad("order-supersedes-before-features", "supersedes before features",
        base("order-supersedes-before-features", supersedes=lid("x")),
        'features = ["export.pdf", "render"]\n' + sup, sup + 'features = ["export.pdf", "render"]\n')
    bad("order-critical-before-supersedes", "critical before supersedes",
        base("order-critical-before-supersedes", supersedes=lid("x"), critical=["license.supersedes"]),
        sup + 'critical = ["license.supersedes"]\n', 'critical = ["license.supersedes"]\n' + sup)
    bad("supersedes-twice", "supersedes twice", base("supersedes-twice", supersedes=lid("x")), sup, sup + sup)

    g = "critical"
    lic_ok("ok-critical-defined", g, "critical names license.supersedes, a field this version defines: nothing "
           "happens", base("ok-critical-defined", supersedes=lid("x"), critical=["license.supersedes"]))
    lic_ok("ok-critical-two-defined", g, "critical names two defined fields, sorted",
           base("ok-critical-two-defined", supersedes=lid("x"), critical=["license.features", "license.supersedes"]))
    lic_ok("ok-critical-machine-defined", g, "critical names machine.unbound (defined)",
           base("ok-critical-machine-defined", critical=["machine.unbound"]))
    lic_ok("ok-critical-itself", g, "critical names license.critical (present and defined)",
           base("ok-critical-itself", critical=["license.critical"]))
    lic_ok("ok-critical-then-extension", g, "critical names a defined field; an extension key follows it and is "
           "ignored (it is not listed)", base("ok-critical-then-extension", supersedes=lid("x"),
                                              critical=["license.supersedes"], license_ext=[("seat_pool", "3")]))
    lic_ok("ok-critical-bound-defined", g, "a bound license whose critical names machine.policy",
           bound(id=lid("ok-critical-bound-defined"), critical=["machine.policy"]))

    def cbad(name, why, lic, expect="malformed", old=None, new=None):
        lic.id = lic.id or lid(name)
        body = body_of(lic)
        if old is not None:
            body = replace_once(body, old, new)
        lic_bad(name, g, why, body, expect=expect)

    cbad("critical-absent-field", "critical names license.supersedes, which the file does not have",
         base("critical-absent-field", critical=["license.supersedes"]))
    cbad("critical-absent-extension", "critical names license.seat_pool, which the file does not have",
         base("critical-absent-extension", critical=["license.seat_pool"]))
    cbad("critical-absent-table", "critical names a table tpm that the file does not have",
         base("critical-absent-table", critical=["tpm"]))
    cbad("critical-absent-wrong-place", "critical names machine.seat_pool, but seat_pool is a key of [license]",
         base("critical-absent-wrong-place", critical=["machine.seat_pool"], license_ext=[("seat_pool", "3")]))
    cbad("critical-extension-license-key", "critical names license.seat_pool, an extension this reader does not "
         "implement", base("critical-extension-license-key", critical=["license.seat_pool"],
                           license_ext=[("seat_pool", "3")]), expect="unsupported_version")
    cbad("critical-extension-machine-key", "critical names machine.tpm, an extension key of [machine]",
         base("critical-extension-machine-key", critical=["machine.tpm"], machine_ext=[("tpm", '"ek"')]),
         expect="unsupported_version")
    cbad("critical-extension-table", "critical names the extension table tpm",
         base("critical-extension-table", critical=["tpm"], ext_tables=[("tpm", [("ekpub", '"x"')])]),
         expect="unsupported_version")
    cbad("critical-extension-dotted-table", "critical names the dotted extension table acme.tpm",
         base("critical-extension-dotted-table", critical=["acme.tpm"],
              ext_tables=[("acme.tpm", [("ekpub", '"x"')])]), expect="unsupported_version")
    cbad("critical-extension-and-defined", "critical names a defined field and an extension: the extension wins",
         base("critical-extension-and-defined", supersedes=lid("x"), license_ext=[("seat_pool", "3")],
              critical=["license.seat_pool", "license.supersedes"]), expect="unsupported_version")
    cbad("critical-before-field-rules", "critical is checked before the field rules: an unknown critical "
         "extension wins over unsorted features", base("critical-before-field-rules", features=["render", "a"],
                                                      critical=["license.seat_pool"],
                                                      license_ext=[("seat_pool", "3")]),
         expect="unsupported_version")
    cbad("critical-unsorted", "critical names not in byte order",
         base("critical-unsorted", supersedes=lid("x"), critical=["license.supersedes", "license.features"]))
    cbad("critical-duplicate", "the same name twice in critical",
         base("critical-duplicate", supersedes=lid("x"), critical=["license.supersedes", "license.supersedes"]))
    cbad("critical-empty", "critical = [] (non-empty when present)", base("critical-empty", critical=[]))
    cbad("critical-string", "critical as a string", base("critical-string", supersedes=lid("x"),
                                                         critical=["license.supersedes"]),
         old='critical = ["license.supersedes"]', new='critical = "license.supersedes"')
    cbad("critical-integer-array", "critical as an array of integers", base("critical-integer-array",
                                                                            critical=["license.features"]),
         old='critical = ["license.features"]', new="critical = [1]")


def extension_cases():
    g = "extensions"
    lic_ok("ext-ok-license-key", g, "an extension key at the end of [license]: ignored",
           base("ext-ok-license-key", license_ext=[("seat_pool", "3")]))
    lic_ok("ext-ok-license-keys-all-types", g, "extension keys of every value type, sorted by bytes",
           base("ext-ok-license-keys-all-types", license_ext=[
               ("A-flag", "true"), ("a_date", "2025-01-31"), ("a_instant", "2025-01-31T10:00:00Z"),
               ("b", '["x", "y"]'), ("c", "-7"), ("d", '"text \\u001b ☃"'), ("e", "[]")]))
    lic_ok("ext-ok-license-key-after-limits-header", g, "an extension key of [license] with [license.limits] and "
           "[license.meta] after it", base("ext-ok-license-key-after-limits-header", license_ext=[("z", "1")],
                                           meta=[("order", "SO-1")]))
    lic_ok("ext-ok-machine-unbound", g, "an extension key at the end of an unbound [machine]",
           base("ext-ok-machine-unbound", machine_ext=[("tpm", '"none"')]))
    lic_ok("ext-ok-machine-bound", g, "an extension key after board in a bound [machine] (policy v1)",
           bound(id=lid("ext-ok-machine-bound"), machine_ext=[("tpm", '["%s"]' % ("a" * 32))]))
    lic_ok("ext-ok-machine-bound-v2", g, "an extension key after evidence_only in a bound [machine] (policy v2)",
           bound_v2(VMGUEST, machine_ext=[("tpm", "1")]), machine_=VMGUEST, proof=["disk"])
    lic_ok("ext-ok-machine-bound-after-os", g, "an extension key after os when board is not recorded",
           bound(machine(board=None), machine_ext=[("tpm", "1")]), matching=["platform", "disk", "nic", "os"])
    lic_ok("ext-ok-table", g, "an extension table after [machine]",
           base("ext-ok-table", ext_tables=[("tpm", [("ekpub", '"x"')])]))
    lic_ok("ext-ok-table-dotted", g, "a dotted extension table name",
           base("ext-ok-table-dotted", ext_tables=[("acme.tpm", [("ekpub", '"x"')])]))
    lic_ok("ext-ok-tables-sorted", g, "two extension tables in byte order ('-' < '.' < 'z')",
           base("ext-ok-tables-sorted", ext_tables=[("a-b", [("k", "1")]), ("a.b", [("k", "2")]),
                                                   ("z", [("k", "3")])]))
    lic_ok("ext-ok-table-keys-sorted", g, "an extension table with several keys in byte order",
           base("ext-ok-table-keys-sorted", ext_tables=[("tpm", [("B", "1"), ("a", "2"), ("b", "3")])]))
    lic_ok("ext-ok-table-defined-key-names", g, "an extension table may use any key names, defined ones included",
           base("ext-ok-table-defined-key-names", ext_tables=[("tpm", [("format", "2"), ("id", '"x"')])]))
    lic_ok("ext-ok-every-place", g, "extensions in [license], [machine] and two tables: listed in file order",
           bound(id=lid("ext-ok-every-place"), license_ext=[("seat_pool", "3"), ("tier", '"gold"')],
                 machine_ext=[("tpm", "true")], ext_tables=[("alpha", [("k", "1")]), ("beta", [("k", "2")])]))
    lic_ok("ext-ok-string-1024-bytes", g, "an extension string of 1024 bytes",
           base("ext-ok-string-1024-bytes", license_ext=[("big", q("e" * 1024))]))

    def bad(name, why, lic, old=None, new=None, expect="malformed"):
        lic.id = lic.id or lid(name)
        body = body_of(lic)
        if old is not None:
            body = replace_once(body, old, new)
        lic_bad(name, g, why, body, expect=expect)

    bad("ext-key-before-defined", "an unknown key before a defined key (before features): not an extension",
        base("ext-key-before-defined"), 'features = ["export.pdf", "render"]\n',
        'seat_pool = 3\nfeatures = ["export.pdf", "render"]\n')
    bad("ext-key-before-board", "an unknown key before board in [machine]", bound(id=lid("ext-key-before-board")),
        "board = ", "tpm = 1\nboard = ")
    bad("ext-key-before-evidence-only", "an unknown key before evidence_only (v2)",
        bound_v2(VMGUEST, id=lid("ext-key-before-evidence-only")), "evidence_only = ", "tpm = 1\nevidence_only = ")
    bad("ext-keys-unsorted", "extension keys of [license] not in byte order",
        base("ext-keys-unsorted", license_ext=[("tier", '"gold"'), ("seat_pool", "3")]))
    bad("ext-keys-unsorted-case", "byte order: 'B' < 'a', so [a, B] is unsorted",
        base("ext-keys-unsorted-case", license_ext=[("a", "1"), ("B", "2")]))
    bad("ext-keys-duplicate", "an extension key twice", base("ext-keys-duplicate",
                                                              license_ext=[("seat_pool", "3"), ("seat_pool", "3")]))
    bad("ext-machine-keys-unsorted", "extension keys of [machine] not in byte order",
        base("ext-machine-keys-unsorted", machine_ext=[("tpm", "1"), ("serial", "2")]))
    bad("ext-defined-after-extension", "supersedes (defined) after an extension key: out of order",
        base("ext-defined-after-extension", license_ext=[("seat_pool", "3"), ("supersedes", q(lid("x")))]))
    bad("ext-machine-defined-after-extension", "disk (defined) after an extension key of [machine]",
        bound(machine(disk=None), id=lid("ext-machine-defined-after-extension"), machine_ext=[("tpm", "1")]),
        "tpm = 1\n", "tpm = 1\ndisk = %s\n" % qa(hashes_of(SERVER)["disk"]))
    bad("ext-table-empty", "an empty extension table", base("ext-table-empty", ext_tables=[("tpm", [])]))
    bad("ext-tables-unsorted", "extension tables not in byte order",
        base("ext-tables-unsorted", ext_tables=[("beta", [("k", "1")]), ("alpha", [("k", "2")])]))
    bad("ext-tables-unsorted-dotted", "'.' > '-': [a.b] before [a-b] is unsorted",
        base("ext-tables-unsorted-dotted", ext_tables=[("a.b", [("k", "1")]), ("a-b", [("k", "2")])]))
    bad("ext-tables-duplicate", "the same extension table twice",
        base("ext-tables-duplicate", ext_tables=[("tpm", [("a", "1")]), ("tpm", [("b", "2")])]))
    bad("ext-table-keys-unsorted", "the keys of an extension table not in byte order",
        base("ext-table-keys-unsorted", ext_tables=[("tpm", [("b", "1"), ("a", "2")])]))
    bad("ext-table-before-machine", "an extension table between [license] and [machine]",
        base("ext-table-before-machine", limits=[]), "\n[machine]\n", "\n[tpm]\nekpub = \"x\"\n\n[machine]\n")
    bad("ext-table-named-signature", "an extension table named signature in the body (the last [signature] "
        "starts the signature table)", base("ext-table-named-signature", ext_tables=[("signature",
                                                                                      [("note", '"x"')])]))
    bad("ext-table-named-license-meta", "a defined table ([license.meta]) after [machine] is out of place, not "
        "an extension", base("ext-table-named-license-meta", ext_tables=[("license.meta", [("order", '"SO-1"')])]))
    bad("ext-table-named-machine-again", "[machine] a second time after [machine]",
        base("ext-table-named-machine-again", ext_tables=[("machine", [("zz", "1")])]))
    bad("ext-value-float", "an extension value that is a float (not in the subset)",
        base("ext-value-float", license_ext=[("ratio", "1.5")]))
    bad("ext-value-inline-table", "an extension value that is an inline table",
        base("ext-value-inline-table", license_ext=[("pool", "{seats = 3}")]))
    bad("ext-value-integer-array", "an extension value that is an array of integers",
        base("ext-value-integer-array", license_ext=[("pool", "[1, 2]")]))
    bad("ext-value-local-date-time", "an extension value that is a local date-time",
        base("ext-value-local-date-time", license_ext=[("at", "2025-01-31T10:00:00")]))
    bad("ext-value-literal-string", "an extension value that is a literal string",
        base("ext-value-literal-string", license_ext=[("note", "'x'")]))
    bad("ext-value-no-spaces", "an extension key written key=value", base("ext-value-no-spaces",
                                                                          license_ext=[("seat_pool", "3")]),
        "seat_pool = 3", "seat_pool=3")
    bad("ext-key-65-chars", "an extension key of 65 characters", base("ext-key-65-chars",
                                                                      license_ext=[("k" * 65, "1")]))
    bad("ext-key-dotted", "a dotted extension key", base("ext-key-dotted", license_ext=[("pool.seats", "1")]))
    bad("ext-string-1025-bytes", "an extension string of 1025 bytes",
        base("ext-string-1025-bytes", license_ext=[("big", q("e" * 1025))]))
    bad("ext-in-limits", "[license.limits] keys are free but integers: a string there is no extension",
        base("ext-in-limits", limits=[("seats", 5), ("zz_note", 0)]), "zz_note = 0", 'zz_note = "x"')
    bad("ext-in-meta", "[license.meta] keys are free but strings: a boolean there is no extension",
        base("ext-in-meta", meta=[("order", "SO-1"), ("zz_flag", "x")]), 'zz_flag = "x"', "zz_flag = true")
    bad("ext-in-unbound-machine-defined", "a defined [machine] key (policy) after unbound = true and an extension "
        "key", base("ext-in-unbound-machine-defined", machine_ext=[("tpm", "1")]), "tpm = 1\n",
        'tpm = 1\npolicy = "airlock-match-v1"\n')

    g = "array-bound"
    lic_ok("ext-ok-array-1024", g, "an extension array of 1024 strings (the bound of section 2)",
           base("ext-ok-array-1024", license_ext=[("pool", qa(["e%04d" % i for i in range(1024)]))]))
    bad("ext-array-1025", "an extension array of 1025 strings", base("ext-array-1025", license_ext=[
        ("pool", qa(["e%04d" % i for i in range(1025)]))]))
    bad("ext-array-1025-table", "an array of 1025 strings in an extension table", base("ext-array-1025-table",
        ext_tables=[("tpm", [("pool", qa(["e%04d" % i for i in range(1025)]))])]))
    bad("features-1024", "1024 features: within the array bound, over the 128 of features",
        base("features-1024", features=["f%04d" % i for i in range(1024)]))


def rehost_request_cases():
    g = "request-rehost"
    old = lid("a-license-being-rehosted")
    req_ok("req-ok-replaces", g, "a re-host request: replaces names the license whose machine it replaces",
           Req(replaces=old))
    req_ok("req-ok-replaces-all-classes", g, "replaces using every id character class",
           Req(replaces="ACME-2025_order.17-zZ09"))
    req_ok("req-ok-replaces-evidence-only", g, "replaces with an evidence_only array in [machine]",
           Req(replaces=old, hashes=hashes_of(VMGUEST), evidence_only=evidence_of(VMGUEST)))
    for name, value, why in [("req-replaces-space", "order 17", "a space in replaces"),
                             ("req-replaces-empty", "", "an empty replaces"),
                             ("req-replaces-65-chars", "a" * 65, "replaces of 65 characters"),
                             ("req-replaces-non-ascii", "lizenz-ä", "a non-ASCII letter in replaces")]:
        req_bad(name, g, why, request_text(Req(replaces=value)))
    r = Req(replaces=old)
    line = "replaces = %s\n" % q(old)
    req_bad("req-replaces-integer", g, "replaces as an integer", req_mut(line, "replaces = 17\n", r))
    req_bad("req-replaces-before-environment", g, "replaces before environment (it comes last in [request])",
            req_mut('environment = "vm"\n' + line, line + 'environment = "vm"\n', r))
    req_bad("req-replaces-in-machine", g, "replaces in [machine] instead of [request]",
            req_mut(line, "", r) + line.encode())
    req_bad("req-replaces-twice", g, "replaces twice", req_mut(line, line + line, r))
    req_bad("req-extension-key", g, "a request has no extensions: an unknown key after replaces",
            req_mut(line, line + "seat_pool = 3\n", r))


# ---------------------------------------------------------------------------------------------
# Revocation lists (FORMAT.md 11) and licenses checked against them.


@dataclasses.dataclass
class Rev:
    key_id: str = TRUSTED_ID
    product: str = PRODUCT
    sequence: int = 3
    issued: str = "2025-05-01T08:00:00Z"
    revoked: List[str] = dataclasses.field(default_factory=list)
    critical: Optional[List[str]] = None
    ext: List[Tuple[str, str]] = dataclasses.field(default_factory=list)  # extension keys of [revocations]
    ext_tables: List[Tuple[str, List[Tuple[str, str]]]] = dataclasses.field(default_factory=list)
    comments: List[str] = dataclasses.field(default_factory=lambda: [REV_COMMENT])


def rev_body_of(r: Rev) -> str:
    lines = list(r.comments)
    lines += ["[revocations]", "format = 1", "key_id = " + q(r.key_id), "product = " + q(r.product),
              "sequence = %d" % r.sequence, "issued = " + r.issued, "revoked = " + qa(r.revoked)]
    if r.critical is not None:
        lines.append("critical = " + qa(r.critical))
    lines += ["%s = %s" % kv for kv in r.ext]
    lines += ext_table_lines(r.ext_tables)
    return "\n".join(lines) + "\n\n"


def rev_values(r: Rev) -> dict:
    v = {"key_id": r.key_id, "product": r.product, "sequence": r.sequence, "issued": DateTime(r.issued),
         "revoked": list(r.revoked)}
    if r.critical is not None:
        v["critical"] = list(r.critical)
    v["extensions"] = ext_names([("revocations", r.ext)], r.ext_tables)
    return v


def rev_signed(body, signer: Signer = TRUSTED, **kw) -> bytes:
    return signed(body, signer, prefix=REV_PREFIX, **kw)


def rev_ok(name, why, r: Rev, expect="ok", data=None):
    add("revocation", name, "revocation-list", expect, why,
        data if data is not None else rev_signed(rev_body_of(r)), values=rev_values(r))


def rev_bad(name, why, data, expect="malformed"):
    add("revocation", name, "revocation-list", expect, why, data)


# Licenses that the lists revoke (the license cases below use these ids).
REVOKED = sorted(lid(n) for n in ("revoked-listed", "revoked-and-expired", "revoked-stale-first",
                                  "revoked-before-machine", "revoked-wrong-product-first", "revoked-with-crlf-list"))


def revocation_list_cases():
    typical = Rev(revoked=REVOKED)
    rev_ok("rl-ok-minimal", "an empty list of sequence 1 (a list that only sets the sequence)",
           Rev(sequence=1, revoked=[]))
    rev_ok("rl-ok-typical", "a list of sequence 3 revoking six licenses, sorted", typical)
    rev_ok("rl-ok-example", "the layout of the example in FORMAT.md 11.1 (two ids, sequence 3)",
           Rev(issued="2025-06-01T08:00:00Z", revoked=["0b8e4c52a7f94d1e9c3a6b2d5f708e41",
                                                       "3c9e1f0a2b4d4c6e8a0b1c2d3e4f5a6b"]))
    rev_ok("rl-ok-one-id", "a list revoking one license", Rev(sequence=2, revoked=[lid("revoked-listed")]))
    rev_ok("rl-ok-id-byte-order", "revoked ids in byte order: '-' < '.' < '0' < 'A' < '_' < 'a'",
           Rev(revoked=["-x", ".x", "0x", "Ax", "_x", "ax"]))
    rev_ok("rl-ok-id-classes", "ids of 1 and 64 characters from every id class",
           Rev(revoked=["A" * 32 + "z" * 32, "ACME-2025_order.17-zZ09", "x"]))
    rev_ok("rl-ok-other-product", "a well-formed list for another product (a license of acme-studio must refuse it)",
           Rev(product="acme-other", revoked=REVOKED))
    rev_ok("rl-ok-sequence-int64-max", "sequence 2^63-1", Rev(sequence=INT64_MAX))
    rev_ok("rl-ok-sequence-5", "a list of sequence 5 that revokes nothing", Rev(sequence=5))
    rev_ok("rl-ok-no-comment", "no comment line (comments are optional)", Rev(comments=[]))
    r = Rev(revoked=[lid("revoked-with-crlf-list")])
    rev_ok("rl-ok-bom-crlf", "BOM and CRLF line endings; the signature covers the LF form", r,
           data=b"\xef\xbb\xbf" + rev_signed(rev_body_of(r)).replace(b"\n", b"\r\n"))
    rev_ok("rl-ok-no-final-lf", "no LF after the value line", r,
           data=rev_signed(rev_body_of(r), final_lf=False))
    rev_ok("rl-ok-1024-revoked", "1024 revoked ids, the most allowed",
           Rev(revoked=sorted(lid("rl-many-%d" % i) for i in range(1024))))
    rev_ok("rl-ok-extension-key", "an extension key at the end of [revocations]: ignored",
           Rev(ext=[("reason_codes", '["contract-ended"]')]))
    rev_ok("rl-ok-extension-table", "an extension table after [revocations]",
           Rev(ext_tables=[("acme", [("note", '"x"')])]))
    rev_ok("rl-ok-extensions-every-place", "extension keys and two tables, listed in file order",
           Rev(ext=[("a", "1"), ("b", "2")], ext_tables=[("t1", [("k", "1")]), ("t2", [("k", "2")])]))
    rev_ok("rl-ok-critical-defined", "critical names revocations.sequence, a defined field",
           Rev(critical=["revocations.sequence"]))
    rev_ok("rl-key-id-mismatch", "the body names other_key's id; signed correctly by the trusted key",
           Rev(key_id=OTHER_ID), expect="key_id_mismatch")

    def body_bad(name, why, r: Rev, old=None, new=None, expect="malformed"):
        body = rev_body_of(r)
        if old is not None:
            body = replace_once(body, old, new)
        rev_bad(name, why, rev_signed(body), expect=expect)

    body_bad("rl-revoked-unsorted", "revoked ids not in byte order", Rev(revoked=list(reversed(REVOKED))))
    body_bad("rl-revoked-duplicate", "the same id twice in revoked", Rev(revoked=[REVOKED[0], REVOKED[0]]))
    body_bad("rl-revoked-bad-id", "a revoked id with a space", Rev(revoked=["order 17"]))
    body_bad("rl-revoked-empty-id", "an empty revoked id", Rev(revoked=[""]))
    body_bad("rl-revoked-65-chars", "a revoked id of 65 characters", Rev(revoked=["a" * 65]))
    body_bad("rl-revoked-1025", "1025 revoked ids", Rev(revoked=sorted(lid("rl-many-%d" % i) for i in range(1025))))
    body_bad("rl-revoked-string", "revoked as a string", Rev(revoked=["x"]), 'revoked = ["x"]', 'revoked = "x"')
    body_bad("rl-revoked-missing", "no revoked key", Rev(), "revoked = []\n", "")
    body_bad("rl-sequence-0", "sequence 0 (must be >= 1)", Rev(sequence=0))
    body_bad("rl-sequence-negative", "sequence -1", Rev(sequence=-1))
    body_bad("rl-sequence-string", 'sequence = "3"', Rev(), "sequence = 3", 'sequence = "3"')
    body_bad("rl-sequence-missing", "no sequence key", Rev(), "sequence = 3\n", "")
    body_bad("rl-issued-date", "issued as a date", Rev(), "issued = 2025-05-01T08:00:00Z", "issued = 2025-05-01")
    body_bad("rl-product-empty", "an empty product", Rev(product=""))
    body_bad("rl-product-control", "a control character in product", Rev(product="acme\tstudio"))
    body_bad("rl-product-129-bytes", "product of 129 bytes", Rev(product="p" * 129))
    body_bad("rl-keyid-body-uppercase", "an uppercase key_id in [revocations]", Rev(key_id=TRUSTED_ID.upper()))
    body_bad("rl-key-order", "product before key_id", Rev(), 'key_id = "%s"\nproduct = "acme-studio"\n' % TRUSTED_ID,
             'product = "acme-studio"\nkey_id = "%s"\n' % TRUSTED_ID)
    body_bad("rl-unknown-key-before-defined", "an unknown key before revoked: not an extension", Rev(),
             "revoked = []\n", "note = 1\nrevoked = []\n")
    body_bad("rl-extension-keys-unsorted", "extension keys not in byte order", Rev(ext=[("b", "1"), ("a", "2")]))
    body_bad("rl-extension-table-empty", "an empty extension table", Rev(ext_tables=[("acme", [])]))
    body_bad("rl-extension-tables-unsorted", "extension tables not in byte order",
             Rev(ext_tables=[("t2", [("k", "1")]), ("t1", [("k", "2")])]))
    body_bad("rl-table-revocations-twice", "[revocations] a second time", Rev(ext_tables=[("revocations",
                                                                                           [("k", "1")])]))
    body_bad("rl-critical-extension", "critical names revocations.reason_codes, an extension this reader does not "
             "implement", Rev(critical=["revocations.reason_codes"], ext=[("reason_codes", "[]")]),
             expect="unsupported_version")
    body_bad("rl-critical-table", "critical names the extension table acme",
             Rev(critical=["acme"], ext_tables=[("acme", [("note", '"x"')])]), expect="unsupported_version")
    body_bad("rl-critical-absent", "critical names revocations.reason_codes, which the list does not have",
             Rev(critical=["revocations.reason_codes"]))
    body_bad("rl-critical-empty", "critical = []", Rev(critical=[]))
    body_bad("rl-critical-license-name", "critical names license.supersedes: a list has no [license]",
             Rev(critical=["license.supersedes"]))

    body = rev_body_of(Rev())
    rev_bad("rl-first-table-license", "the first table is [license], not [revocations]",
            rev_signed(replace_once(body, "[revocations]\n", "[license]\n")))
    rev_bad("rl-license-file", "a license file given as a revocation list (its first table is [license])",
            signed(body_of(base("rl-license-file"))))
    rev_bad("rl-format-2", "format = 2 is a later version", rev_signed(replace_once(body, "format = 1\n",
                                                                                     "format = 2\n")),
            expect="unsupported_version")
    rev_bad("rl-format-2-unparsable", "format = 2 wins over a rest that is not TOML of version 1",
            b"[revocations]\nformat = 2\n\tanything = {goes = 'here'}\n", expect="unsupported_version")
    rev_bad("rl-format-leading-zero", "format = 01 is not a canonical integer",
            rev_signed(replace_once(body, "format = 1\n", "format = 01\n")))
    rev_bad("rl-format-after-key-id", "format is not the first key",
            rev_signed(replace_once(body, 'format = 1\nkey_id = "%s"\n' % TRUSTED_ID,
                                    'key_id = "%s"\nformat = 1\n' % TRUSTED_ID)))
    rev_bad("rl-no-signature", "no [signature] line", body.encode())
    rev_bad("rl-no-blank-line", "no blank line before [signature]", rev_signed(body[:-1]))
    rev_bad("rl-sigtable-fourth-line", "a fourth line in the signature table", rev_signed(body) + b'extra = "x"\n')
    rev_bad("rl-size-65537", "a list of 65537 bytes",
            rev_signed(padded_rev_body(MAX_SIZE + 1)))
    rev_bad("rl-body-1025-lines", "a list body of 1025 lines",
            rev_signed(lined_rev_body(1025)))
    rev_bad("rl-bad-signature-license-prefix", "signed over 'airlock-license-v1' LF || body (a license signature)",
            signed(body), expect="bad_signature")
    rev_bad("rl-bad-signature-tampered", "sequence 3 changed to 9 after signing",
            replace_once(rev_signed(body), b"sequence = 3", b"sequence = 9"), expect="bad_signature")
    rev_bad("rl-bad-signature-no-prefix", "signed over the body alone",
            body.encode() + sig_table(TRUSTED.sign(body.encode())), expect="bad_signature")
    rev_bad("rl-unknown-key", "signed by other_key, which is not trusted",
            rev_signed(rev_body_of(Rev(key_id=OTHER_ID)), OTHER), expect="unknown_key")
    lic_body = body_of(base("rl-license-signed-as-list")).encode()
    rev_bad("rl-license-signed-as-list", "a license body signed with the revocation-list prefix: still a license "
            "file, whose first table is not [revocations]", rev_signed(lic_body))


def lined_rev_body(lines: int) -> str:
    r = Rev()
    r.comments = [REV_COMMENT] + ["# line %04d" % i for i in range(lines - rev_body_of(r).count("\n"))]
    assert rev_body_of(r).count("\n") == lines
    return rev_body_of(r)


def padded_rev_body(size: int) -> str:
    """A list body whose signed file is exactly `size` bytes (one long comment line)."""
    r = Rev()
    r.comments = [REV_COMMENT, "# "]
    pad = size - len(rev_body_of(r).encode()) - SIGLEN
    r.comments = [REV_COMMENT, "# " + "x" * pad]
    assert len(rev_body_of(r).encode()) + SIGLEN == size
    return rev_body_of(r)


def revocation_check_cases():
    g = "revocation-check"
    lic_ok("revoked-listed", g, "the license's id is in the list: revoked", base("revoked-listed"),
           expect="revoked", revocations="rl-ok-typical")
    lic_ok("revocation-not-listed", g, "the license's id is not in the list: ok", base("revocation-not-listed"),
           revocations="rl-ok-typical")
    lic_ok("revocation-empty-list", g, "an empty list revokes nothing", base("revocation-empty-list"),
           revocations="rl-ok-minimal")
    lic = base("revoked-with-crlf-list")
    lic_ok("revoked-with-crlf-list", g, "a list with BOM and CRLF is read like any other: revoked", lic,
           expect="revoked", revocations="rl-ok-bom-crlf")
    lic_ok("revocation-list-extensions", g, "a list with extension keys and tables (ignored): not listed, ok",
           base("revocation-list-extensions"), revocations="rl-ok-extensions-every-place")
    for name, rl, why in [
            ("revocation-list-bad-signature", "rl-bad-signature-tampered", "a list whose signature is bad"),
            ("revocation-list-license-prefix", "rl-bad-signature-license-prefix",
             "a list signed with the license prefix"),
            ("revocation-list-other-product", "rl-ok-other-product", "a well-formed list for another product"),
            ("revocation-list-unknown-key", "rl-unknown-key", "a list signed by an untrusted key"),
            ("revocation-list-key-id-mismatch", "rl-key-id-mismatch", "a list whose key ids differ"),
            ("revocation-list-malformed", "rl-revoked-unsorted", "a malformed list (revoked unsorted)"),
            ("revocation-list-unsupported", "rl-format-2", "a list of format 2"),
            ("revocation-list-critical", "rl-critical-extension", "a list with an unknown critical extension"),
            ("revocation-list-is-license", "rl-license-file", "a license file given as the list")]:
        lic_ok(name, g, why + ": revocation_list_invalid", base(name), expect="revocation_list_invalid",
               revocations=rl)
    lic_ok("revocation-stale-seen", g, "list sequence 3, the clock-state file has seen 4: stale",
           base("revocation-stale-seen"), expect="revocation_list_stale", revocations="rl-ok-typical",
           seen_sequence=4)
    lic_ok("revocation-seen-equal", g, "list sequence 3, the clock-state file has seen 3: ok",
           base("revocation-seen-equal"), revocations="rl-ok-typical", seen_sequence=3)
    lic_ok("revocation-seen-lower", g, "list sequence 3, the clock-state file has seen 1: ok",
           base("revocation-seen-lower"), revocations="rl-ok-typical", seen_sequence=1)
    lic_ok("revocation-seen-zero", g, "a clock-state file with sequence 0 (no list accepted yet): ok",
           base("revocation-seen-zero"), revocations="rl-ok-minimal", seen_sequence=0)
    lic_ok("revocation-seen-no-list", g, "a clock-state file with sequence 5, no list given and no "
           "min_revocation_sequence: nothing of section 11 runs", base("revocation-seen-no-list"), seen_sequence=5)
    lic_ok("revocation-min-no-list", g, "min_revocation_sequence = 2 and no list given: stale",
           base("revocation-min-no-list", min_revocation_sequence=2), expect="revocation_list_stale")
    lic_ok("revocation-min-above-list", g, "min_revocation_sequence = 4, list sequence 3: stale",
           base("revocation-min-above-list", min_revocation_sequence=4), expect="revocation_list_stale",
           revocations="rl-ok-typical")
    lic_ok("revocation-min-equal", g, "min_revocation_sequence = 3, list sequence 3: ok",
           base("revocation-min-equal", min_revocation_sequence=3), revocations="rl-ok-typical")
    lic_ok("revocation-min-below-list", g, "min_revocation_sequence = 1, list sequence 5: ok",
           base("revocation-min-below-list", min_revocation_sequence=1), revocations="rl-ok-sequence-5")
    lic_ok("revocation-min-and-seen", g, "min 2 and seen 5, list sequence 5: ok",
           base("revocation-min-and-seen", min_revocation_sequence=2), revocations="rl-ok-sequence-5",
           seen_sequence=5)
    lic_ok("revocation-min-invalid-list", g, "min_revocation_sequence set and a list with a bad signature: invalid "
           "(step 1 before step 2)", base("revocation-min-invalid-list", min_revocation_sequence=9),
           expect="revocation_list_invalid", revocations="rl-bad-signature-tampered")
    # Order (3.2 step 10): product, clock, then the list, then dates, build, environment, machine.
    lic_ok("revoked-stale-first", g, "listed in a list of sequence 3 while the clock-state file has seen 4: stale "
           "(step 2 before step 3)", base("revoked-stale-first"), expect="revocation_list_stale",
           revocations="rl-ok-typical", seen_sequence=4)
    lic_ok("revoked-and-expired", g, "a revoked license that has also expired: revoked (before the dates)",
           base("revoked-and-expired", expires="2025-04-30"), expect="revoked", revocations="rl-ok-typical")
    lic_ok("revocation-invalid-before-dates", g, "an expired license with an invalid list: revocation_list_invalid",
           base("revocation-invalid-before-dates", expires="2025-04-30"), expect="revocation_list_invalid",
           revocations="rl-bad-signature-tampered")
    lic_ok("revocation-stale-before-not-yet-valid", g, "a not-yet-valid license without the list it needs: stale",
           base("revocation-stale-before-not-yet-valid", not_before="2025-07-01", min_revocation_sequence=1),
           expect="revocation_list_stale")
    lic_ok("revoked-wrong-product-first", g, "a revoked license checked by another product: wrong_product first",
           base("revoked-wrong-product-first"), expect="wrong_product", product="acme-studio-pro",
           revocations="rl-ok-typical")
    lic_ok("revocation-clock-first", g, "the clock rolled back and the list invalid: clock_rolled_back first",
           base("revocation-clock-first"), expect="clock_rolled_back", now="2025-01-01T00:00:00Z",
           revocations="rl-bad-signature-tampered")
    lic_ok("revoked-before-machine", g, "a revoked bound license on another machine: revoked (before the machine)",
           bound(id=lid("revoked-before-machine")), expect="revoked", revocations="rl-ok-typical",
           machine_=machine(disk=["X"], nic=["02:00:00:00:00:99"]), matching=["platform", "os", "board"])
    lic_ok("revocation-bound-not-listed", g, "a bound license not in the list, on its machine: ok",
           bound(id=lid("revocation-bound-not-listed")), revocations="rl-ok-typical")


# ---------------------------------------------------------------------------------------------
# The manifest.

MANIFEST_HEAD = """\
# Airlock conformance vectors, format 1. Written by make_conformance.py; do not edit by hand.
# SPDX-License-Identifier: CC0-1.0
#
# Each [[license]] entry is one license file to check; each [[request]] one request file to read;
# each [[revocation_list]] one revocation list (FORMAT.md section 11) to read.
#
# [[license]]
#   file        path of the license file, relative to this manifest
#   group       the behaviour group (a test may run one group at a time)
#   expect      the reason an implementation must give, one of: ok, malformed, unsupported_version,
#               unknown_key, bad_signature, key_id_mismatch, wrong_product, clock_rolled_back,
#               revocation_list_invalid, revocation_list_stale, revoked, not_yet_valid, expired,
#               build_too_new, unbindable_environment, machine_mismatch
#   why         one line: what the case tests
#   product     the product name the checking program passes
#   now         the current time (UTC)
#   build_date  (optional) the checking program's release date; absent: none given
#   grace_days  (optional) days accepted after expires; absent: 0
#   revocations (optional) path of the revocation list the product gives (a file under revocations/ with
#               its own [[revocation_list]] entry); absent: the product gives no list
#   seen_sequence (optional) the product keeps a clock-state file (FORMAT.md section 10) for this license:
#               a valid version-2 line with the license's id, the Unix time of `now` as its time and this
#               sequence (the highest revocation-list sequence accepted so far). Absent: no clock-state file.
#   matching    (optional, bound licenses) classes whose recorded hashes share at least one hash with
#               the hashes of [license.machine]; a statement about the vector, not an input
#   proof       (policy airlock-match-v2 with a [license.machine]) the recorded classes that are
#               hardware proof on that machine (FORMAT.md 5.2 step 3); a statement about the vector,
#               not an input. Its software-assigned nic values (E_C) are those whose first byte has
#               bit 0x02 set (FORMAT.md 4.6 rule 1; no vector runs on a WSL2 kernel).
#   [license.machine]  (bound licenses that reach the machine step) the machine the check runs on:
#               environment = "bare-metal" | "vm" | "container" | "unknown", and per class
#               (platform, disk, nic, os, board) the CANONICAL RAW values read now. A class left out
#               could not be read. Hash each value with the license's key_id and product (FORMAT.md
#               section 4). Host hardware is visible when a disk, nic or board the license records has a value.
#   [license.values]  (when the body is well formed and signed: expect = ok, key_id_mismatch and the
#               product/clock/revocation/date/machine reasons) what a reader must return: id, key_id, product,
#               licensee, issued, not_before, expires and updates_until (only when present), features,
#               supersedes, min_revocation_sequence and critical (only when present), unbound; for bound
#               licenses also policy, allow_container and the hash arrays present (in file order),
#               evidence_only among them; extensions (always present, possibly []): the extensions of
#               FORMAT.md 8.1 the file holds, in file order, each named as in `critical`: license.KEY,
#               machine.KEY or the TABLE name; [license.values.limits] and [license.values.meta] hold
#               the entries (empty tables when the license has none).
#   Trust exactly one key: test_vendor_key.pub (key id 55946e28fb11b7ee). other_key.pem signs the
#   unknown_key cases and is never trusted. The clock tolerance is 24 hours; no clock-state file
#   unless seen_sequence says so.
#
# [[request]]
#   file, group, expect (ok, malformed, unsupported_version), why as above
#   [request.values]  (expect = ok) product, key_id, created, tool, environment, replaces (only when
#               present) and the hash arrays present (in file order), evidence_only among them
#
# [[revocation_list]]
#   file, group, why as above; read with steps 1-9 of FORMAT.md 3.2 as 11.2 says (first table
#               [revocations], message "airlock-revocations-v1" LF || body), trusting test_vendor_key.pub
#   expect      one of: ok, malformed, unsupported_version, unknown_key, bad_signature, key_id_mismatch
#   [revocation_list.values]  (expect = ok and key_id_mismatch) key_id, product, sequence, issued,
#               revoked, critical (only when present) and extensions (always present, possibly []):
#               revocations.KEY or the TABLE name of each extension, in file order
"""


def m_str(text: str) -> str:
    out = []
    for ch in text:
        if ch in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def m_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (Date, DateTime)):
        return str(v)
    if isinstance(v, str):
        return m_str(v)
    if isinstance(v, list):
        return "[" + ", ".join(m_value(x) for x in v) + "]"
    raise TypeError(v)


BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def m_key(k: str) -> str:
    return k if k and set(k) <= BARE else m_str(k)


def manifest_text(licenses: List[Tuple[str, Case]], requests: List[Tuple[str, Case]],
                  revocations: List[Tuple[str, Case]]) -> str:
    out = [MANIFEST_HEAD]
    rev_paths = {c.name: path for path, c in revocations}
    for path, c in licenses:
        out.append("[[license]]")
        out.append("file = " + m_str(path))
        out.append("group = " + m_str(c.group))
        out.append("expect = " + m_str(c.expect))
        out.append("why = " + m_str(c.why))
        for k, v in c.context.items():
            out.append("%s = %s" % (k, m_value(rev_paths[v] if isinstance(v, RevRef) else v)))
        if c.matching is not None:
            out.append("matching = " + m_value([x for x in CLASSES if x in c.matching]))
        if c.proof is not None:
            out.append("proof = " + m_value([x for x in CLASSES if x in c.proof]))
        if c.machine is not None:
            out.append("")
            out.append("[license.machine]")
            out.append("environment = " + m_str(c.machine.get("environment", "unknown")))
            for cls in CLASSES:
                if cls in c.machine:
                    out.append("%s = %s" % (cls, m_value(c.machine[cls])))
        if c.values is not None:
            out.append("")
            out.append("[license.values]")
            for k, v in c.values.items():
                if k not in ("limits", "meta"):
                    out.append("%s = %s" % (k, m_value(v)))
            for table in ("limits", "meta"):
                out.append("")
                out.append("[license.values.%s]" % table)
                for k, v in c.values[table].items():
                    out.append("%s = %s" % (m_key(k), m_value(v)))
        out.append("")
    for path, c in requests:
        out.append("[[request]]")
        out.append("file = " + m_str(path))
        out.append("group = " + m_str(c.group))
        out.append("expect = " + m_str(c.expect))
        out.append("why = " + m_str(c.why))
        if c.values is not None:
            out.append("")
            out.append("[request.values]")
            for k, v in c.values.items():
                out.append("%s = %s" % (k, m_value(v)))
        out.append("")
    for path, c in revocations:
        out.append("[[revocation_list]]")
        out.append("file = " + m_str(path))
        out.append("group = " + m_str(c.group))
        out.append("expect = " + m_str(c.expect))
        out.append("why = " + m_str(c.why))
        if c.values is not None:
            out.append("")
            out.append("[revocation_list.values]")
            for k, v in c.values.items():
                out.append("%s = %s" % (k, m_value(v)))
        out.append("")
    return "\n".join(out)


def generate():
    CASES.clear()
    NAMES.clear()
    accepted_cases()
    version_cases()
    envelope_cases()
    syntax_cases()
    field_cases()
    signature_cases()
    check_cases()
    binding_cases()
    v2_version_cases()
    v2_accepted_cases()
    v2_machine_table_cases()
    v2_binding_cases()
    request_cases()
    v2_request_cases()
    renewal_cases()
    extension_cases()
    rehost_request_cases()
    revocation_list_cases()
    revocation_check_cases()
    names = {c.name for c in CASES if c.kind == "revocation"}
    for c in CASES:
        ref = c.context.get("revocations")
        if ref is not None and ref not in names:
            raise SystemExit("%s names the revocation list %s, which is no case" % (c.name, ref))
    for c in CASES:
        if c.kind == "license" and c.values is not None and not c.values["unbound"] and c.machine is None:
            raise SystemExit("bound license %s reaches the machine step without a machine" % c.name)


def write(out_dir: Path):
    check_other_key()
    generate()
    licenses, requests, revocations = [], [], []
    for sub in ("licenses", "requests", "revocations"):
        folder = out_dir / sub
        if folder.exists():
            for old in folder.glob("*.toml"):
                old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    n_lic = n_req = n_rev = 0
    for c in CASES:
        if c.kind == "license":
            n_lic += 1
            path = "licenses/%03d-%s.toml" % (n_lic, c.name)
            licenses.append((path, c))
        elif c.kind == "revocation":
            n_rev += 1
            path = "revocations/%03d-%s.toml" % (n_rev, c.name)
            revocations.append((path, c))
        else:
            n_req += 1
            path = "requests/%03d-%s.toml" % (n_req, c.name)
            requests.append((path, c))
        with open(out_dir / path, "wb") as f:
            f.write(c.data)
    with open(out_dir / "manifest.toml", "w", encoding="utf-8", newline="\n") as f:
        f.write(manifest_text(licenses, requests, revocations))
    return n_lic, n_req, n_rev


def differences(fresh: Path, folder: Path) -> List[str]:
    """The files under `folder` that differ from those just written under `fresh`."""
    out = []
    if (fresh / "manifest.toml").read_bytes() != ((folder / "manifest.toml").read_bytes()
                                                  if (folder / "manifest.toml").exists() else None):
        out.append("manifest.toml differs")
    for sub in ("licenses", "requests", "revocations"):
        a = {p.name for p in (fresh / sub).glob("*")}
        b = {p.name for p in (folder / sub).glob("*")} if (folder / sub).exists() else set()
        out += ["%s/%s is %s" % (sub, n, "missing" if n in a else "not written by this script") for n in sorted(a ^ b)]
        out += ["%s/%s differs" % (sub, n) for n in sorted(a & b)
                if (fresh / sub / n).read_bytes() != (folder / sub / n).read_bytes()]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: this folder)")
    parser.add_argument("--check", action="store_true", help="write into a temporary folder and compare with --out")
    args = parser.parse_args()
    if shutil.which("openssl") is None:
        sys.exit("make_conformance.py needs the openssl command line")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            write(Path(tmp))
            stale = differences(Path(tmp), args.out)
        for line in stale:
            print(line)
        print("%s is %s" % (args.out, "stale" if stale else "up to date"))
        sys.exit(1 if stale else 0)
    n_lic, n_req, n_rev = write(args.out)
    print("wrote %d license files, %d request files and %d revocation lists to %s" % (n_lic, n_req, n_rev, args.out))


if __name__ == "__main__":
    main()
