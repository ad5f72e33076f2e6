#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The vendor console in a real browser: Debian's headless Chromium driven by Debian's python3-selenium.

usage: browser_test.py --bin DIR --source DIR [--screenshots DIR]

In a temporary folder: a ledger (made by `airlock issue` of one unbound license), operator alice, and
airlock-console on 127.0.0.1 at a free port with the test vendor key (formats/vectors/test_vendor_key.pem).
An activation request comes from `airlock-hwid request` (or, when this machine has nothing to bind it to,
exit 7, from formats/vectors/request.toml, which the output says). Then, in the browser: log in, see the
dashboard, upload the request on the Issue page, preview (product and key id shown), sign and issue; the
file written to --out-dir passes `airlock-verify --no-machine`, the page's download link serves the same
bytes; the page's renew form (a later expiry, one more feature) issues the successor, whose page names the
old one in supersedes and whose file passes `airlock-verify --no-machine`; the successor's revoke form (and
its confirmation) revokes it as `airlock ledger show` sees it, and the licenses list shows it revoked. A licensee named <script>alert(1)</script> issued through the form is shown
as text: no alert, no script element but the console's own. Every page visited is saved as a PNG in the
screenshots folder (default: console-screenshots/ in the working folder) and its path printed; no page
may log an error to the browser's console (a refused Content-Security-Policy load, a missing asset).

Exit status: 0 every check passed; 1 a check failed (one line on stderr saying which); 77 Chromium,
chromedriver or python3-selenium is not installed (skipped). The console, chromedriver and Chromium are
stopped and the temporary folder removed on every path, also on SIGTERM, SIGINT and the script's own
time limit (60 s).
"""
import argparse
import ctypes
import datetime
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

SKIP = 77
TIME_LIMIT = 60  # seconds for the whole run; CTest's TIMEOUT is above it, so this path cleans up
PRODUCT = "acme-studio"
OPERATOR, PASSWORD = "alice", "correct horse battery staple"
SCRIPT_LICENSEE = "<script>alert(1)</script>"
WINDOW = (1280, 900)


class Failure(Exception):
    """A check that did not hold: its message is the run's one line."""


class OutOfTime(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def die_with_parent():
    """In a child before exec: SIGTERM when this script dies, even by SIGKILL (Linux prctl PR_SET_PDEATHSIG)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM, 0, 0, 0)


def tool_env(home):
    """A small known environment (no AIRLOCK_PASSPHRASE or AIRLOCK_LEDGER); the sanitizers' options pass."""
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": str(home)}
    env.update({k: v for k, v in os.environ.items() if k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")})
    return env


class Run:
    def __init__(self, args, tmp):
        self.bin = Path(args.bin).resolve()
        self.source = Path(args.source).resolve()
        self.shots = Path(args.screenshots).resolve()
        self.tmp = tmp
        self.home = tmp / "home"
        self.home.mkdir()
        self.env = tool_env(self.home)
        self.key = self.source / "formats/vectors/test_vendor_key.pem"
        self.pub = self.source / "formats/vectors/test_vendor_key.pub"
        self.ledger = tmp / "ledger.sqlite"
        self.out_dir = tmp / "issued"
        self.console = None
        self.driver = None
        self.driver_group = None
        self.base = None
        self.shot_count = 0

    # --- the tools ---------------------------------------------------------------------------------------

    def tool(self, name, *words, timeout=20):
        return subprocess.run([str(self.bin / name), *map(str, words)], env=self.env, cwd=self.tmp,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)

    def must(self, name, *words):
        r = self.tool(name, *words)
        check(r.returncode == 0, f"{name} {words[0]} exited {r.returncode}: {r.stderr.strip()}")
        return r

    def set_up_vendor(self):
        self.out_dir.mkdir()
        password_file = self.tmp / "password"
        password_file.write_text(PASSWORD + "\n")
        self.must("airlock", "issue", "--key", self.key, "--ledger", self.ledger, "--product", PRODUCT, "--unbound",
                  "--licensee", "Seed Ltd", "--id", "L-seed", "--out", self.tmp / "seed.toml")
        self.must("airlock", "console", "add-operator", OPERATOR, "--ledger", self.ledger, "--password-file",
                  password_file)

    def start_console(self):
        err = open(self.tmp / "console.stderr", "w")
        self.console = subprocess.Popen(
            [str(self.bin / "airlock-console"), "--key", str(self.key), "--ledger", str(self.ledger), "--listen",
             "127.0.0.1:0", "--out-dir", str(self.out_dir)],
            env=self.env, cwd=self.tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, text=True,
            preexec_fn=die_with_parent)
        err.close()
        line = self.console.stdout.readline().strip()  # the time limit's alarm interrupts a hang here
        prefix = "listening on http://127.0.0.1:"
        if not line.startswith(prefix) or not line.endswith("/"):
            self.console.wait(timeout=10)
            message = (self.tmp / "console.stderr").read_text().strip()
            raise Failure(f"airlock-console did not start (exit {self.console.returncode}): {message or line}")
        self.base = line[len("listening on "):-1]
        print(f"console: {self.base}/ (ledger {self.ledger})")

    def stop_console(self):
        if self.console is None or self.console.poll() is not None:
            return
        self.console.terminate()
        try:
            code = self.console.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.console.kill()
            self.console.wait()
            raise Failure("airlock-console did not stop within 10 s of SIGTERM")
        check(code == 0, f"airlock-console exited {code} on SIGTERM: "
              f"{(self.tmp / 'console.stderr').read_text().strip()}")

    def make_request(self):
        out = self.tmp / "req.toml"
        r = self.tool("airlock-hwid", "request", "--product", PRODUCT, "--pubkey", self.pub, "--out", out)
        if r.returncode == 7:
            out = self.source / "formats/vectors/request.toml"
            print(f"note: airlock-hwid request exited 7 (nothing on this machine to bind: {r.stderr.strip()}); "
                  f"using {out} instead")
        else:
            check(r.returncode == 0, f"airlock-hwid request exited {r.returncode}: {r.stderr.strip()}")
            print(f"request: made by airlock-hwid request ({out})")
        request = tomllib.loads(out.read_text())["request"]
        return out, request

    # --- the browser -------------------------------------------------------------------------------------

    def start_browser(self, chromium, chromedriver):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--user-data-dir={self.tmp / 'chromium-profile'}",
                     "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-extensions",
                     "--disable-features=Translate,MediaRouter,OptimizationHints", "--password-store=basic"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        browser_env = dict(self.env, XDG_CONFIG_HOME=str(self.home / ".config"),
                           XDG_CACHE_HOME=str(self.home / ".cache"))

        def new_group_dying_with_parent():
            os.setsid()  # chromedriver and the Chromium processes it starts: one group, stopped together
            die_with_parent()

        service = Service(executable_path=chromedriver, env=browser_env, log_path=str(self.tmp / "chromedriver.log"),
                          popen_kw={"preexec_fn": new_group_dying_with_parent})
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver_group = service.process.pid
        self.driver.set_page_load_timeout(20)
        self.driver.implicitly_wait(0)

    def stop_browser(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception:  # a browser already gone: the group is stopped below all the same
                pass
        if self.driver_group is not None:
            try:
                os.killpg(self.driver_group, signal.SIGKILL)  # whatever of Chromium outlived quit()
            except ProcessLookupError:
                pass

    def wait(self, condition, what, seconds=15):
        """Waits for condition(driver); WHAT (text, or a function making it) says what did not happen."""
        from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            return WebDriverWait(self.driver, seconds, ignored_exceptions=[StaleElementReferenceException]).until(
                condition)
        except TimeoutException:
            what = what() if callable(what) else what
            raise Failure(f"{what} (waited {seconds} s; at {self.driver.current_url})") from None

    def heading(self):
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By
        try:
            found = self.driver.find_elements(By.TAG_NAME, "h1")
            return found[0].text if found else ""
        except StaleElementReferenceException:  # the page went while it was read
            return ""

    def wait_for_page(self, path, title):
        """Waits for the browser to be at PATH (a prefix when it ends with '/') with the heading TITLE."""
        url = self.base + path

        def arrived(driver):
            here = driver.current_url.split("?")[0]
            at = here.startswith(url) if path.endswith("/") and path != "/" else here == url
            return at and self.heading() == title and driver.execute_script("return document.readyState") == "complete"

        self.wait(arrived, lambda: f"did not reach {path} with the heading '{title}' (heading: '{self.heading()}')")

    def page_text(self):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.TAG_NAME, "body").text

    def cell(self, header):
        """The text of the table cell beside the <th> HEADER (the license page's and the preview's fields)."""
        from selenium.webdriver.common.by import By
        rows = self.driver.find_elements(By.XPATH, f"//tr[th[normalize-space()='{header}']]/td")
        return rows[0].text if rows else None

    def screenshot(self, name):
        """The whole page (Chromium's DevTools capture beyond the viewport) as NN-NAME.png."""
        import base64
        self.shot_count += 1
        path = self.shots / f"{self.shot_count:02d}-{name}.png"
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = max(WINDOW[1], min(int(size["height"]) + 1, 6000))
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": WINDOW[0], "height": height, "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))
        print(f"screenshot: {path}")

    def no_console_errors(self, page):
        """Nothing the page loaded or ran was refused or missing (CSP violations and 404s log as SEVERE)."""
        severe = [e["message"] for e in self.driver.get_log("browser")
                  if e.get("level") == "SEVERE" and "favicon.ico" not in e.get("message", "")]
        check(not severe, f"the {page} page logged an error in the browser: {severe[0] if severe else ''}")

    def no_alert(self, page):
        from selenium.common.exceptions import NoAlertPresentException
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            raise Failure(f"the {page} page opened an alert ('{text}'): the licensee ran as script")
        except NoAlertPresentException:
            pass

    def only_own_script(self, page):
        from selenium.webdriver.common.by import By
        sources = [s.get_attribute("src") for s in self.driver.find_elements(By.TAG_NAME, "script")]
        check(sources == [self.base + "/static/console.js"],
              f"the {page} page has script elements {sources}, not only /static/console.js")

    def fill(self, name, value):
        from selenium.webdriver.common.by import By
        field = self.driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)

    def leave_by(self, element, what, confirm=None):
        """Clicks ELEMENT and waits until the page it was on is gone (no check then reads the old page).
        CONFIRM: the text of the confirmation the click must open first, which is accepted."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        if confirm is not None:
            alert = self.wait(expected_conditions.alert_is_present(), f"{what} asked for no confirmation")
            check(alert.text == confirm, f"{what} asks {alert.text!r}, not {confirm!r}")
            alert.accept()
        self.wait(expected_conditions.staleness_of(old), f"{what} did not load a page")

    def click_button(self, text, confirm=None):
        from selenium.webdriver.common.by import By
        button = self.driver.find_element(By.XPATH, f"//main//button[normalize-space()='{text}']")
        self.leave_by(button, f"the button '{text}'", confirm)

    def click_link(self, text):
        from selenium.webdriver.common.by import By
        self.leave_by(self.driver.find_element(By.LINK_TEXT, text), f"the link '{text}'")

    def fetch_with_session(self, url):
        """GET url with the browser's cookies (the session cookie is HttpOnly: the driver still sees it)."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(url, headers={"Cookie": cookies})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Disposition", ""), response.read()

    # --- the flow ----------------------------------------------------------------------------------------

    def log_in(self, key_id):
        self.driver.get(self.base + "/login")
        self.wait_for_page("/login", "Log in")
        self.no_console_errors("login")
        self.screenshot("login")
        self.fill("name", OPERATOR)
        self.fill("password", PASSWORD)
        self.click_button("Log in")
        self.wait_for_page("/", "Dashboard")
        text = self.page_text()
        check(re.search(rf"\bSigning key {key_id}\b.*\b1 licenses? in the ledger", text),
              f"the dashboard does not name the key {key_id} and the ledger's 1 license: {text[:200]!r}")
        check(PRODUCT in text and "Recent operator activity" in text,
              "the dashboard shows no acme-studio row or no recent activity")
        check(OPERATOR in text, "the dashboard does not show the operator who is logged in")
        self.no_console_errors("dashboard")
        self.screenshot("dashboard")

    def issue(self, request_path, request, licensee, expires, features, shoot=True):
        from selenium.webdriver.common.by import By
        self.click_link("Issue")
        self.wait_for_page("/issue", "Issue a license")
        self.no_console_errors("issue")
        if shoot:
            self.screenshot("issue")
        self.driver.find_element(By.CSS_SELECTOR, "input[type=file][name=request]").send_keys(str(request_path))
        self.fill("licensee", licensee)
        self.fill("expires", expires)
        self.fill("features", features)
        if request.get("environment") == "container":
            self.driver.find_element(By.NAME, "allow_container").click()
        self.click_button("Preview")
        self.wait(lambda d: self.heading() in ("Preview", "Not issued"), "the preview did not open")
        check(self.heading() == "Preview", f"the preview refused the request: {self.page_text()[:300]!r}")
        self.no_alert("preview")
        check(self.cell("product") == PRODUCT, f"the preview shows product {self.cell('product')!r}, not {PRODUCT}")
        check(self.cell("key id") == request["key_id"],
              f"the preview shows key id {self.cell('key id')!r}, not the request's {request['key_id']}")
        check(self.cell("licensee") == licensee, f"the preview shows licensee {self.cell('licensee')!r}")
        check(self.cell("expires") == expires, f"the preview shows expiry {self.cell('expires')!r}, not {expires}")
        self.no_console_errors("preview")
        if shoot:
            self.screenshot("preview")
        self.click_button("Sign and issue")
        self.wait(lambda d: d.current_url.startswith(self.base + "/license/") or self.heading() == "Not issued",
                  "signing did not open a license page")
        check(self.heading() != "Not issued", f"signing refused the order: {self.page_text()[:300]!r}")
        license_id = self.driver.current_url[len(self.base + "/license/"):]
        self.wait_for_page("/license/" + license_id, "License " + license_id)
        check(self.cell("licensee") == licensee, f"license {license_id} shows licensee {self.cell('licensee')!r}")
        check(self.cell("product") == PRODUCT, f"license {license_id} shows product {self.cell('product')!r}")
        check(self.cell("expires") == expires, f"license {license_id} shows expiry {self.cell('expires')!r}")
        check(self.cell("features") == features, f"license {license_id} shows features {self.cell('features')!r}")
        self.no_console_errors("license")
        return license_id

    def verify_file(self, license_id):
        path = self.out_dir / f"{license_id}.toml"
        check(path.is_file(), f"the console wrote no {path}")
        r = self.tool("airlock-verify", path, "--pubkey", self.pub, "--no-machine")
        check(r.returncode == 0, f"airlock-verify {path.name} --no-machine exited {r.returncode}: "
              f"{(r.stderr or r.stdout).strip()}")
        return path

    def download_matches(self, license_id, path):
        from selenium.webdriver.common.by import By
        link = self.driver.find_element(By.LINK_TEXT, "Download the license file").get_attribute("href")
        check(link == f"{self.base}/license/{license_id}/download", f"the download link is {link}")
        status, disposition, body = self.fetch_with_session(link)
        check(status == 200, f"the download link answered {status}")
        check(f'filename="{license_id}.toml"' in disposition, f"the download is named by {disposition!r}")
        check(body == path.read_bytes(), f"the download of {license_id} differs from {path}")
        print(f"download: {len(body)} bytes, the same as {path.name}")

    def renew(self, license_id, expires, feature):
        """On license LICENSE_ID's page: the renew form with a new expiry and one more feature; returns the new id."""
        old_features = self.cell("features")
        self.fill("expires", expires)
        self.fill("features", "+" + feature)
        self.screenshot("renew")
        self.click_button("Renew")
        self.wait(lambda d: (d.current_url.startswith(self.base + "/license/") and
                             d.current_url != f"{self.base}/license/{license_id}") or self.heading() == "Not renewed",
                  "renewing did not open the new license's page")
        check(self.heading() != "Not renewed", f"renewing was refused: {self.page_text()[:300]!r}")
        renewed_id = self.driver.current_url[len(self.base + "/license/"):]
        self.wait_for_page("/license/" + renewed_id, "License " + renewed_id)
        check(self.cell("expires") == expires, f"the renewal shows expiry {self.cell('expires')!r}, not {expires}")
        check(self.cell("supersedes") == license_id,
              f"the renewal shows supersedes {self.cell('supersedes')!r}, not {license_id}")
        features = " ".join(sorted(old_features.split() + [feature]))
        check(self.cell("features") == features, f"the renewal shows features {self.cell('features')!r}, not {features}")
        self.no_console_errors("renewed license")
        self.screenshot("license-renewed")
        r = self.must("airlock", "ledger", "show", license_id, "--ledger", self.ledger, "--json")
        shown = json.loads(r.stdout)
        check(shown.get("superseded_by") == renewed_id,
              f"airlock ledger show {license_id} does not name its successor {renewed_id}")
        return renewed_id

    def revoke(self, license_id, reason):
        self.fill("reason", reason)
        self.click_button("Revoke", confirm="Revoke this license?")
        self.wait_for_page("/license/" + license_id, "License " + license_id)
        check(self.cell("revoked") is not None, f"license {license_id}'s page does not show it revoked")
        check(reason in self.cell("revoked"), f"the revoked row shows {self.cell('revoked')!r}, not the reason")
        check("Revoke" not in [h.text for h in self.driver.find_elements("tag name", "h2")],
              "a revoked license still has a revoke form")
        self.no_console_errors("revoked license")
        self.screenshot("license-revoked")
        r = self.must("airlock", "ledger", "show", license_id, "--ledger", self.ledger, "--json")
        shown = json.loads(r.stdout)
        check(shown.get("revoked") is True, f"airlock ledger show {license_id} does not say revoked")
        check(shown.get("revoke_reason") == reason,
              f"airlock ledger show {license_id} gives the reason {shown.get('revoke_reason')!r}, not {reason!r}")

    def licenses_list(self, revoked_id):
        self.click_link("Licenses")
        self.wait_for_page("/licenses", "Licenses")
        from selenium.webdriver.common.by import By
        cells = self.driver.find_elements(By.XPATH, f"//tr[td/a[normalize-space()='{revoked_id}']]/td")
        check(cells, f"the licenses list does not show {revoked_id}")
        check(cells[-1].text == "revoked", f"the licenses list shows {revoked_id} as {cells[-1].text!r}")
        self.no_console_errors("licenses")
        self.screenshot("licenses")

    def script_licensee(self, request_path, request, expires):
        license_id = self.issue(request_path, request, SCRIPT_LICENSEE, expires, "export", shoot=False)
        self.no_alert("license")
        self.only_own_script("license")
        check(SCRIPT_LICENSEE in self.page_text(), "the license page does not show the licensee's text")
        self.screenshot("license-script-licensee")
        self.click_link("Licenses")
        self.wait_for_page("/licenses", "Licenses")
        self.no_alert("licenses")
        self.only_own_script("licenses")
        check(SCRIPT_LICENSEE in self.page_text(), "the licenses list does not show the licensee's text")
        print(f"script licensee: {license_id} shown as text, no alert, no script element")

    def flow(self, chromium, chromedriver):
        self.set_up_vendor()
        request_path, request = self.make_request()
        self.start_console()
        self.start_browser(chromium, chromedriver)
        expires = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
        self.log_in(request["key_id"])
        license_id = self.issue(request_path, request, "Example Browser Corp", expires, "export render")
        self.screenshot("license")
        path = self.verify_file(license_id)
        print(f"issued: {license_id}, {path.name} passes airlock-verify --no-machine")
        self.download_matches(license_id, path)
        renewed_expires = (datetime.date.today() + datetime.timedelta(days=730)).isoformat()
        renewed_id = self.renew(license_id, renewed_expires, "support")
        renewed_path = self.verify_file(renewed_id)
        print(f"renewed: {license_id} -> {renewed_id}, {renewed_path.name} passes airlock-verify --no-machine")
        self.revoke(renewed_id, "customer refunded")
        print(f"revoked: {renewed_id}, airlock ledger show says so")
        self.licenses_list(renewed_id)
        self.script_licensee(request_path, request, expires)


def find_browser():
    """Chromium, chromedriver and selenium, or the reason to skip."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.access(p, os.X_OK)), None)
    missing = [name for name, found in (("chromium", chromium), ("chromium-driver", chromedriver)) if not found]
    if importlib.util.find_spec("selenium") is None:
        missing.append(f"python3-selenium (for {sys.executable})")
    return chromium, chromedriver, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the folder of the built tools")
    parser.add_argument("--source", required=True, help="the source tree (for formats/vectors/)")
    parser.add_argument("--screenshots", default="console-screenshots", help="where the PNGs go")
    args = parser.parse_args()
    chromium, chromedriver, missing = find_browser()
    if missing:
        print(f"browser_test: skipped: not installed: {', '.join(missing)} (scripts/lib.sh ensure_packages)")
        return SKIP
    Path(args.screenshots).mkdir(parents=True, exist_ok=True)
    for old in Path(args.screenshots).glob("[0-9][0-9]-*.png"):
        old.unlink()

    def out_of_time(signum, frame):
        raise OutOfTime(f"the run took longer than {TIME_LIMIT} s")

    def stopped(signum, frame):
        raise OutOfTime(f"stopped by signal {signum}")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGINT, stopped)
    signal.alarm(TIME_LIMIT)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="airlock-browser-"))
    run = Run(args, tmp)
    failure = None
    try:
        run.flow(chromium, chromedriver)
    except (Failure, OutOfTime) as e:
        failure = str(e)
    except Exception as e:  # selenium's and the tools' exceptions: one line all the same
        first = (str(e).strip().splitlines() or [""])[0]
        failure = f"{type(e).__name__}: {first}"
    finally:
        signal.alarm(TIME_LIMIT)  # cleaning up gets its own limit
        try:
            if failure and run.driver is not None:
                try:
                    run.screenshot("failure")
                except Exception:
                    pass
            run.stop_browser()
            try:
                run.stop_console()
            except Failure as e:
                failure = failure or str(e)
        finally:
            if run.console is not None and run.console.poll() is None:
                run.console.kill()
                run.console.wait()
            shutil.rmtree(tmp, ignore_errors=True)
            signal.alarm(0)
    if failure:
        print(f"browser_test: FAIL: {failure}", file=sys.stderr)
        return 1
    print(f"browser_test: all checks passed in {time.monotonic() - started:.1f} s ({run.shot_count} screenshots)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
