#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The customer portal in a real browser: Debian's headless Chromium driven by Debian's python3-selenium.

usage: portal_browser_test.py --bin DIR --source DIR [--screenshots DIR]

In a temporary folder: a ledger (one unbound license of another licensee), operator alice, and airlock-console
on 127.0.0.1 at a free port with the test vendor key (formats/vectors/test_vendor_key.pem). An activation
request comes from `airlock-hwid request` (or, when this machine has nothing to bind it to, exit 7, from
formats/vectors/request.toml, which the output says). Then, in the browser: the operator logs in and adds a
customer on /customers, which shows the set-up link once; the customer opens the link, sets a password, logs
in to /portal (which does not show the other licensee's license), uploads the request, which waits; the
operator issues it from /requests; the customer sees it on /portal and downloads it with the portal cookie
alone, and the download passes `airlock-verify --no-machine` and is the file the console wrote. Every page
visited is saved as a PNG in the screenshots folder (default: portal-screenshots/ in the working folder) and
its path printed; no page may log an error to the browser's console, and the portal's pages load no script.

Exit status: 0 every check passed; 1 a check failed (one line on stderr saying which); 77 Chromium,
chromedriver or python3-selenium is not installed (skipped). The console, chromedriver and Chromium are
stopped and the temporary folder removed on every path, also on SIGTERM, SIGINT and the script's own
time limit (60 s).
"""
import argparse
import ctypes
import datetime
import importlib.util
import os
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
WINDOW = (1280, 900)
CUSTOMER, CUSTOMER_PASSWORD = "browser-co", "a long customer password"
LICENSEE = "Example Browser Corp"


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

    def no_script(self, page):
        from selenium.webdriver.common.by import By
        check(not self.driver.find_elements(By.TAG_NAME, "script"), f"the portal's {page} page has a script element")

    def portal_page(self, path, title, name):
        self.wait_for_page(path, title)
        self.no_console_errors(name)
        self.no_script(name)
        self.screenshot(name)

    def operator_adds_customer(self):
        from selenium.webdriver.common.by import By
        self.driver.get(self.base + "/login")
        self.wait_for_page("/login", "Log in")
        self.fill("name", OPERATOR)
        self.fill("password", PASSWORD)
        self.click_button("Log in")
        self.wait_for_page("/", "Dashboard")
        self.click_link("Customers")
        self.wait_for_page("/customers", "Customers")
        self.no_console_errors("customers")
        self.screenshot("operator-customers")
        self.fill("name", CUSTOMER)
        self.fill("licensee", LICENSEE)
        self.click_button("Add")
        self.wait_for_page("/customers", "Customer added")
        self.no_console_errors("customer added")
        self.screenshot("operator-customer-added")
        link = self.driver.find_element(By.CSS_SELECTOR, "code.setup-link").text
        check(link.startswith(self.base + "/portal/setup?token="), f"the set-up link is {link!r}")
        print(f"set-up link: {link[:len(self.base) + 30]}...")
        return link

    def customer_sets_up(self, link):
        self.driver.get(link)
        self.portal_page("/portal/setup", "Set up your account", "portal-setup")
        self.fill("password", CUSTOMER_PASSWORD)
        self.fill("again", CUSTOMER_PASSWORD)
        self.click_button("Set the password")
        self.portal_page("/portal/setup", "Account set up", "portal-setup-done")
        self.click_link("Log in")
        self.portal_page("/portal/login", "Log in", "portal-login")
        self.fill("name", CUSTOMER)
        self.fill("password", CUSTOMER_PASSWORD)
        self.click_button("Log in")
        self.portal_page("/portal", "Your licenses", "portal-licenses-empty")
        text = self.page_text()
        check("L-seed" not in text, "the portal shows another licensee's license")
        check(LICENSEE in text and CUSTOMER in text, "the portal does not name the customer and the licensee")
        check("Dashboard" not in text, "the portal shows the operators' navigation")
        # The same link again sets nothing.
        self.driver.get(link)
        self.wait_for_page("/portal/setup", "Set up your account")
        self.fill("password", "another long password")
        self.fill("again", "another long password")
        self.click_button("Set the password")
        self.wait_for_page("/portal/setup", "Not set up")
        check("unknown, used or expired" in self.page_text(), "a used set-up link does not say so")
        self.driver.get_log("browser")  # its 404 is the answer expected, logged as an error
        self.no_script("portal-setup-used")
        self.screenshot("portal-setup-used")

    def customer_uploads(self, request_path):
        from selenium.webdriver.common.by import By
        self.driver.get(self.base + "/portal")
        self.wait_for_page("/portal", "Your licenses")
        self.click_link("Upload a request")
        self.portal_page("/portal/upload", "Upload a request", "portal-upload")
        self.driver.find_element(By.CSS_SELECTOR, "input[type=file][name=request]").send_keys(str(request_path))
        self.click_button("Upload")
        self.wait(lambda d: self.heading() in ("Request received", "Not received"), "the upload did not answer")
        check(self.heading() == "Request received", f"the upload was refused: {self.page_text()[:300]!r}")
        check("waits for your vendor" in self.page_text(), "the upload does not say it waits")
        self.portal_page("/portal/upload", "Request received", "portal-upload-received")

    def operator_issues(self, expires):
        self.driver.get(self.base + "/requests")
        self.wait_for_page("/requests", "Portal requests")
        self.no_console_errors("requests")
        check(CUSTOMER in self.page_text(), "the requests page does not show the customer's request")
        self.screenshot("operator-requests")
        self.fill("expires", expires)
        self.fill("features", "export")
        self.click_button(f"Issue for {LICENSEE}")
        self.wait(lambda d: d.current_url.startswith(self.base + "/license/") or self.heading() == "Not issued",
                  "issuing did not open a license page")
        check(self.heading() != "Not issued", f"issuing refused the request: {self.page_text()[:300]!r}")
        license_id = self.driver.current_url[len(self.base + "/license/"):]
        check(self.cell("licensee") == LICENSEE, f"license {license_id} shows licensee {self.cell('licensee')!r}")
        self.no_console_errors("license")
        self.screenshot("operator-issued")
        return license_id

    def customer_downloads(self, license_id):
        from selenium.webdriver.common.by import By
        self.driver.get(self.base + "/portal")
        self.portal_page("/portal", "Your licenses", "portal-licenses")
        check(license_id in self.page_text(), f"the portal does not list {license_id}")
        check("issued" in self.page_text(), "the portal does not show the request issued")
        self.click_link(license_id)
        self.portal_page("/portal/license/" + license_id, "License " + license_id, "portal-license")
        link = self.driver.find_element(By.LINK_TEXT, "Download the license file").get_attribute("href")
        check(link == f"{self.base}/portal/license/{license_id}/download", f"the download link is {link}")
        portal_cookie = [c for c in self.driver.get_cookies() if c["name"] == "airlock_portal"]
        check(portal_cookie and portal_cookie[0].get("httpOnly"), "the portal cookie is missing or not HttpOnly")
        request = urllib.request.Request(link, headers={"Cookie": f"airlock_portal={portal_cookie[0]['value']}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            status, body = response.status, response.read()
        check(status == 200, f"the download answered {status}")
        written = self.out_dir / f"{license_id}.toml"
        check(body == written.read_bytes(), f"the download differs from {written}")
        downloaded = self.tmp / "downloaded.toml"
        downloaded.write_bytes(body)
        r = self.tool("airlock-verify", downloaded, "--pubkey", self.pub, "--no-machine")
        check(r.returncode == 0, f"airlock-verify of the download exited {r.returncode}: "
              f"{(r.stderr or r.stdout).strip()}")
        print(f"download: {len(body)} bytes, passes airlock-verify --no-machine")

    def flow(self, chromium, chromedriver):
        self.set_up_vendor()
        request_path, _ = self.make_request()
        self.start_console()
        self.start_browser(chromium, chromedriver)
        expires = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
        link = self.operator_adds_customer()
        self.customer_sets_up(link)
        self.customer_uploads(request_path)
        license_id = self.operator_issues(expires)
        print(f"issued from the portal request: {license_id}")
        self.customer_downloads(license_id)


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
    parser.add_argument("--screenshots", default="portal-screenshots", help="where the PNGs go")
    args = parser.parse_args()
    chromium, chromedriver, missing = find_browser()
    if missing:
        print(f"portal_browser_test: skipped: not installed: {', '.join(missing)} (scripts/lib.sh ensure_packages)")
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
        print(f"portal_browser_test: FAIL: {failure}", file=sys.stderr)
        return 1
    print(f"portal_browser_test: all checks passed in {time.monotonic() - started:.1f} s ({run.shot_count} screenshots)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
