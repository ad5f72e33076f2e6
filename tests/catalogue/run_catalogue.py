#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs the catalogue of bad inputs (bad_inputs.toml) against the built tools.

usage: run_catalogue.py --bin DIR [--catalogue FILE] [--only TEXT] [--verbose] [--all-must-fail]

Each row runs in a fresh temporary folder holding fresh copies of the fixtures (made once per run
with the tools themselves: `airlock keygen`, `airlock-hwid request`, `airlock issue`), after the row's
`setup` actions. A row passes when:
  - the exit code is the row's `exit`;
  - on failure (exit != 0): stderr is exactly one line (or the row's `lines`, for a batch's row
    errors and summary), starts with "<tool>: error: ", contains the row's `stderr` text and none of
    its `stderr_not` texts, and stdout is empty (except for the verdict report of a verify command);
  - on success: stderr contains the row's `stderr` text, if given;
  - no path appears in the folder except the row's `creates` (fnmatch patterns), each of which must
    appear, and no file that was there before changed a byte or disappeared;
  - it ends within 10 seconds (or the row's `timeout`).
A row with `pending = "defect N"` documents a known defect: it must FAIL one of these checks (it
is reported as pending); a pending row that passes fails the run, so the mark is dropped once fixed.

As root, the tools run as the user `nobody`, so that modes (unreadable files, read-only folders)
mean what they mean for a vendor's account. Exit status: 0 all rows as expected, 1 otherwise.
"""
import argparse
import fnmatch
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = ("airlock", "airlock-verify", "airlock-hwid")
TIMEOUT = 10
PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")
PASSPHRASE = "correct horse battery staple"
PRODUCT = "acme-studio"
ISSUED = "2026-01-05T10:00:00Z"

# Placeholder -> file name inside each row's folder (each an input of every row).
FIXTURES = {
    "key": "vendor.key",  # the vendor's private key, unencrypted (signing is quick)
    "pub": "vendor.pub",
    "ekey": "enc/vendor.key",  # the same kind of key, encrypted with the passphrase in {pass}
    "epub": "enc/vendor.pub",
    "pass": "pass.txt",
    "other_key": "other/vendor.key",  # an unrelated vendor key pair
    "other_pub": "other/vendor.pub",
    "request": "request.toml",  # made by airlock-hwid on this machine for {pub} and acme-studio
    "foreign_request": "foreign-request.toml",  # another machine's request (formats/vectors) for {pub}
    "license": "license.toml",  # bound to this machine, signed by {key}
    "unbound": "unbound.toml",  # unbound, signed by {key}
    "foreign_license": "foreign-license.toml",  # bound to another machine, signed by {key}
    "expired": "expired.toml",  # unbound, expired on 2026-01-31
    "future": "future.toml",  # unbound, valid from 2099-01-01
    "maintenance": "maintenance.toml",  # unbound, updates until 2026-02-01
    "other_request": "other-request.toml",  # {request} re-addressed to the key id of {other_pub}
    "rsa_key": "rsa.key",  # keys of other algorithms, made by openssl
    "rsa_pub": "rsa.pub",
    "ed448_key": "ed448.key",
    "x25519_pub": "x25519.pub",
}


class RowError(Exception):
    pass


def run_as():
    """The uid/gid the tools run as: `nobody` when we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def give_away(root, ids):
    """Makes every path under root owned by the tools' user, keeping each mode."""
    if ids is None:
        return
    for folder, dirs, files in os.walk(root):
        os.lchown(folder, *ids)
        for name in dirs + files:
            os.lchown(os.path.join(folder, name), *ids)


def tool_env(tmp, extra=None):
    """A small known environment (no AIRLOCK_PASSPHRASE); the sanitizers' options pass through."""
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": str(tmp)}
    env.update({k: v for k, v in os.environ.items() if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")})
    env.update(extra or {})
    return env


def execute(argv, cwd, ids, env, timeout=TIMEOUT):
    kwargs = {}
    if ids is not None:
        kwargs = {"user": ids[0], "group": ids[1], "extra_groups": []}
    return subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                          **kwargs)


def make_fixtures(bin_dir, source_dir, folder, ids):
    """Makes the fixtures once, with the tools under test; each row gets copies."""

    def tool(*args):
        argv = [str(bin_dir / args[0])] + [str(a) for a in args[1:]]
        done = execute(argv, folder, ids, tool_env(folder))
        if done.returncode != 0:
            raise SystemExit(f"fixture: {' '.join(args)} failed ({done.returncode}): {done.stderr.decode()}")
        return done

    def openssl(*args):
        done = subprocess.run(["openssl", *args], cwd=folder, capture_output=True)
        if done.returncode != 0:
            raise SystemExit(f"fixture: openssl {' '.join(args)} failed: {done.stderr.decode()}")

    (folder / "pass.txt").write_text(PASSPHRASE + "\n")
    give_away(folder, ids)
    tool("airlock", "keygen", "--private", "vendor.key", "--public", "vendor.pub", "--unencrypted")
    tool("airlock", "keygen", "--out-dir", "enc", "--passphrase-file", "pass.txt")
    tool("airlock", "keygen", "--out-dir", "other", "--unencrypted")
    key_id = tool("airlock", "pubkey", "--key", "vendor.pub", "--format", "id").stdout.decode().strip()
    # Another machine: the format's sample request, re-addressed to this run's vendor key.
    sample = (source_dir / "formats/vectors/request.toml").read_text()
    assert 'key_id = "55946e28fb11b7ee"' in sample and f'product = "{PRODUCT}"' in sample
    (folder / "foreign-request.toml").write_text(sample.replace("55946e28fb11b7ee", key_id))
    # This machine; where it has nothing to bind to (a container), the other machine stands in.
    made = execute([str(bin_dir / "airlock-hwid"), "request", "--product", PRODUCT, "--pubkey", "vendor.pub",
                    "--out", "request.toml"], folder, ids, tool_env(folder))
    if made.returncode != 0:
        print(f"note: airlock-hwid request failed here ({made.stderr.decode().strip()}); {{request}} and {{license}} "
              "are another machine's, so rows that verify them on this machine fail")
        shutil.copyfile(folder / "foreign-request.toml", folder / "request.toml")
    # The fixtures' own licenses are not recorded: a row that issues starts with no ledger.
    common = ["--key", "vendor.key", "--product", PRODUCT, "--issued", ISSUED, "--no-ledger"]
    tool("airlock", "issue", *common, "--licensee", "Example Corp", "--request", "request.toml", "--id", "lic-bound",
         "--out", "license.toml")
    tool("airlock", "issue", *common, "--licensee", "Example Corp", "--unbound", "--id", "lic-unbound", "--out",
         "unbound.toml")
    tool("airlock", "issue", *common, "--licensee", "Example Corp", "--request", "foreign-request.toml", "--id",
         "lic-foreign", "--out", "foreign-license.toml")
    unbound = [*common, "--licensee", "Example Corp", "--unbound"]
    tool("airlock", "issue", *unbound, "--id", "lic-expired", "--expires", "2026-01-31", "--out", "expired.toml")
    tool("airlock", "issue", *unbound, "--id", "lic-future", "--not-before", "2099-01-01", "--out", "future.toml")
    tool("airlock", "issue", *unbound, "--id", "lic-maint", "--updates-until", "2026-02-01", "--out",
         "maintenance.toml")
    other = (folder / "request.toml").read_text().replace(key_id, tool(
        "airlock", "pubkey", "--key", "other/vendor.pub", "--format", "id").stdout.decode().strip())
    (folder / "other-request.toml").write_text(other)
    openssl("genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa.key")
    openssl("pkey", "-in", "rsa.key", "-pubout", "-out", "rsa.pub")
    openssl("genpkey", "-algorithm", "ed448", "-out", "ed448.key")
    openssl("genpkey", "-algorithm", "x25519", "-out", "x25519.key")
    openssl("pkey", "-in", "x25519.key", "-pubout", "-out", "x25519.pub")
    (folder / "x25519.key").unlink()


def fill(text, values):
    unknown = [name for name in PLACEHOLDER.findall(text) if name not in values]
    if unknown:
        raise RowError(f"unknown placeholder {{{unknown[0]}}}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def do_setup(tmp, actions, values):
    """The declarative setup actions, applied in order inside the row's folder."""
    for action in actions:
        kind = next((k for k in ("write", "copy", "mkdir", "mkfifo", "symlink", "chmod", "remove") if k in action),
                    None)
        if kind is None:
            raise RowError(f"setup action without a known kind: {action}")
        target = tmp / fill(action[kind], values)
        if kind == "write":
            if "bytes" in action:
                data = bytes.fromhex(action["bytes"])
            else:
                data = fill(action.get("text", ""), values).encode()
            if "from" in action:
                data = (tmp / fill(action["from"], values)).read_bytes()
                pairs = [(o.encode(), fill(n, values).encode()) for o, n in action.get("replace", [])]
                pairs += [(bytes.fromhex(o), bytes.fromhex(n)) for o, n in action.get("replace_hex", [])]
                for old, new in pairs:
                    if old not in data:
                        raise RowError(f"setup: {old!r} is not in {action['from']}")
                    data = data.replace(old, new, 1)
                if "truncate" in action:
                    data = data[:action["truncate"]]
                if action.get("crlf"):
                    data = data.replace(b"\n", b"\r\n")
                data = bytes.fromhex(action.get("prepend_bytes", "")) + data
                data = data + action.get("append", "").encode() + bytes.fromhex(action.get("append_bytes", ""))
            data = data * action.get("repeat", 1)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        elif kind == "copy":
            shutil.copyfile(tmp / fill(action["from"], values), target)
        elif kind == "mkdir":
            target.mkdir(parents=True, exist_ok=True)
        elif kind == "mkfifo":
            os.mkfifo(target)
        elif kind == "symlink":
            os.symlink(fill(action["to"], values), target)
        elif kind == "remove":
            target.unlink()
        elif kind == "chmod":
            # Applied after ownership is handed over, so a mode means what it says for the tool.
            pass


def apply_modes(tmp, actions, values):
    for action in actions:
        if "chmod" in action:
            os.chmod(tmp / fill(action["chmod"], values), int(action["mode"], 8), follow_symlinks=False)


def snapshot(root):
    """Every path under root: its kind and, for a regular file, its bytes."""
    seen = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode):
                try:
                    seen[rel] = ("file", path.read_bytes())
                except PermissionError:
                    seen[rel] = ("file", ("unreadable", info.st_size, info.st_mtime_ns))
            elif stat.S_ISLNK(info.st_mode):
                seen[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                seen[rel] = ("dir", None)
            else:
                seen[rel] = ("other", stat.S_IFMT(info.st_mode))
    return seen


def unlock(root):
    """Gives the runner back every folder and file, so it can look and clean up."""
    os.chmod(root, 0o700)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o700, follow_symlinks=False)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o600)


def prints_verdict(row):
    """`airlock-verify` and `airlock verify` print their report on stdout for every verdict,
    rejections included (README); no other failure of any tool prints on stdout."""
    command = [Path(a).name for a in row["command"][:2]]
    verify = command[0] == "airlock-verify" or command == ["airlock", "verify"]
    return verify and (row["exit"] == 3 or 10 <= row["exit"] <= 24)


def check_row(row, done, before, after, creates):
    """The list of ways the run differs from the row's expectations (empty: as expected)."""
    problems = []
    tool = row.get("tool", Path(row["command"][0]).name)
    out, err = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    if done.returncode != row["exit"]:
        problems.append(f"exit {done.returncode}, expected {row['exit']}")
    if row["exit"] != 0:
        lines = row.get("lines", 1)
        if err.count("\n") != lines or not err.endswith("\n"):
            problems.append(f"stderr has {err.count(chr(10))} line(s), expected {lines}")
        if not err.startswith(f"{tool}: error: "):
            problems.append(f"stderr does not start with '{tool}: error: '")
        if out and not prints_verdict(row):
            problems.append("stdout is not empty on an error")
    if row.get("stderr", "") not in err:
        problems.append(f"stderr lacks {row['stderr']!r}")
    for text in row.get("stderr_not", []):
        if text in err:
            problems.append(f"stderr holds {text[:40]!r}..., which it must not")
    new = sorted(set(after) - set(before))
    undeclared = [p for p in new if not any(fnmatch.fnmatch(p, pattern) for pattern in creates)]
    if undeclared:
        problems.append(f"new path(s) not declared: {', '.join(undeclared[:5])}")
    for pattern in creates:
        if not any(fnmatch.fnmatch(p, pattern) for p in new):
            problems.append(f"declared output {pattern} did not appear")
    for path, state in before.items():
        if path not in after:
            problems.append(f"input {path} disappeared")
        elif after[path] != state:
            problems.append(f"input {path} changed")
    if problems:
        problems.append(f"stderr was: {err.strip()[:300]!r}")
    return problems


def run_row(row, bin_dir, fixtures, ids, work):
    tmp = Path(tempfile.mkdtemp(prefix="row-", dir=work))
    ledger_home = Path(str(tmp) + "-ledger")
    try:
        shutil.copytree(fixtures, tmp, dirs_exist_ok=True, symlinks=True)
        values = {"tmp": str(tmp), "bin": str(bin_dir)}
        values.update({name: str(tmp / file) for name, file in FIXTURES.items()})
        setup = row.get("setup", [])
        do_setup(tmp, setup, values)
        give_away(tmp, ids)
        before = snapshot(tmp)  # before the modes, so that the runner reads every file
        apply_modes(tmp, setup, values)
        argv = [fill(a, values) for a in row["command"]]
        if argv[0] in TOOLS:
            argv[0] = str(bin_dir / argv[0])
        # Licenses a row issues are recorded in a ledger beside the row's folder, not in it, so
        # that only what the row names appears there; rows about the ledger give --ledger.
        ledger_home.mkdir()
        give_away(ledger_home, ids)
        env = tool_env(tmp, {"AIRLOCK_LEDGER": str(ledger_home / "airlock-ledger.sqlite"),
                             **{k: fill(v, values) for k, v in row.get("env", {}).items()}})
        started = time.monotonic()
        try:
            done = execute(argv, tmp, ids, env, row.get("timeout", TIMEOUT))
        except subprocess.TimeoutExpired:
            return [f"no answer within {row.get('timeout', TIMEOUT)} s"], time.monotonic() - started
        elapsed = time.monotonic() - started
        unlock(tmp)
        after = snapshot(tmp)
        creates = [fill(c, values) for c in row.get("creates", [])]
        return check_row(row, done, before, after, creates), elapsed
    finally:
        unlock(tmp)
        shutil.rmtree(tmp)
        shutil.rmtree(ledger_home, ignore_errors=True)


def load(path):
    with open(path, "rb") as f:
        rows = tomllib.load(f)["row"]
    names = set()
    for row in rows:
        for key in ("name", "command", "exit"):
            if key not in row:
                raise SystemExit(f"{path}: a row has no '{key}': {row}")
        if row["name"] in names:
            raise SystemExit(f"{path}: two rows are named {row['name']!r}")
        names.add(row["name"])
        if row["exit"] != 0 and "stderr" not in row:
            raise SystemExit(f"{path}: row {row['name']!r} fails but names no stderr text")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, type=Path, help="folder of the built tools")
    parser.add_argument("--catalogue", type=Path, default=HERE / "bad_inputs.toml")
    parser.add_argument("--only", help="run only rows whose name contains this text")
    parser.add_argument("--verbose", action="store_true", help="print every row")
    parser.add_argument("--all-must-fail", action="store_true",
                        help="self-test: every row is deliberately wrong and must fail one check")
    args = parser.parse_args()
    bin_dir = args.bin.resolve()
    rows = load(args.catalogue)
    if args.only:
        rows = [r for r in rows if args.only in r["name"]]
    ids = run_as()
    started = time.monotonic()
    failed, pending = [], {}
    with tempfile.TemporaryDirectory(prefix="airlock-catalogue-") as work_name:
        work = Path(work_name)
        os.chmod(work, 0o755)
        fixtures = work / "fixtures"
        fixtures.mkdir()
        make_fixtures(bin_dir, HERE.parent.parent, fixtures, ids)
        for row in rows:
            try:
                problems, elapsed = run_row(row, bin_dir, fixtures, ids, work)
            except RowError as error:
                problems, elapsed = [f"bad row: {error}"], 0.0
                row = dict(row, pending=None)
            mark = "self-test" if args.all_must_fail else row.get("pending")
            if mark and problems:
                pending.setdefault(mark, []).append(row["name"])
                status = "pending"
            elif mark:
                failed.append(row["name"])
                status = "FAIL"
                problems = [f"passes now: drop the mark pending = {mark!r}"]
            elif problems:
                failed.append(row["name"])
                status = "FAIL"
            else:
                status = "ok"
            if status == "FAIL" or args.verbose:
                print(f"{status:7} {row['name']}  ({elapsed * 1000:.0f} ms)")
                for problem in problems if status != "ok" else []:
                    print(f"        - {problem}")
    total = time.monotonic() - started
    counts = ", ".join(f"{mark}: {len(names)}" for mark, names in sorted(pending.items()))
    print(f"catalogue: {len(rows)} rows, {len(rows) - len(failed) - sum(map(len, pending.values()))} as expected, "
          f"{sum(map(len, pending.values()))} pending ({counts or 'none'}), {len(failed)} failed, {total:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
