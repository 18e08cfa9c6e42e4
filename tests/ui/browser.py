"""The inspector in a real browser (Debian's chromium through chromedriver), against a real `hookctl listen`.

Events sent with `hookctl send` appear without a reload; a tampered one shows its cause; search finds a value
deep in a body; replay reaches a second listener and its answer shows; markup, `javascript:` URLs and terminal
escapes in headers and bodies stay text; a foreign Host or Origin is refused. Screenshots go to $SCREENSHOTS.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

HOOKCTL = os.environ["HOOKCTL"]
SHOTS = os.environ.get("SCREENSHOTS", "target/ui-screenshots")
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
DEEP = "kumquat7731"
# Each payload would set window.__xss (or open a dialog) if it ever ran.
XSS = [
    "<script>window.__xss='script'</script>",
    "<img src=x onerror=\"window.__xss='img'\">",
    "javascript:window.__xss='url'",
    "\x1b[31mred\x1b[0m \x1b]0;title\x07",
]

work = tempfile.mkdtemp(prefix="hookctl-ui-")
env = {"HOME": work, "PATH": os.environ.get("PATH", ""), "HOOKCTL_SECRET": SECRET}
children = []


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    for child in children:
        child.kill()
    sys.exit(1)


def start(args, store):
    child = subprocess.Popen(
        [HOOKCTL, *args, "--store", os.path.join(work, store)],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    children.append(child)
    said = ""
    port = ui = None
    while port is None or ("--no-ui" not in args and ui is None):
        line = child.stderr.readline()
        if not line:
            fail(f"hookctl {' '.join(args)} exited:\n{said}")
        said += line
        found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        port = port or (found and found.group(1))
        found = re.search(r"inspector: (http://127\.0\.0\.1:\d+/)", line)
        ui = ui or (found and found.group(1))
    lines = []
    threading.Thread(target=lambda: [None for _ in child.stderr], daemon=True).start()
    threading.Thread(target=lambda: [lines.append(l) for l in child.stdout], daemon=True).start()
    return port, ui, lines


def send(port, *args, body=None):
    command = [HOOKCTL, "send", "payvost", "payment.succeeded", "--to", port, *args]
    if body is not None:
        path = os.path.join(work, "body.json")
        with open(path, "w") as file:
            file.write(body)
        command += ["--body", path]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"{command}: {result.stderr}")


def raw_post(port, headers, body):
    """A delivery with header values `hookctl send` would refuse."""
    with socket.create_connection(("127.0.0.1", int(port))) as sock:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers)
        data = body.encode()
        sock.sendall(
            f"POST /webhooks/payvost HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"{head}Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data
        )
        sock.recv(4096)


def wait(driver, condition, what, timeout=15):
    try:
        return WebDriverWait(driver, timeout).until(condition)
    except Exception:
        driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
        fail(f"waited for {what}")


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#rows tr")


def no_script_ran(driver, where):
    try:
        alert = driver.switch_to.alert
        fail(f"{where}: a dialog opened: {alert.text}")
    except NoAlertPresentException:
        pass
    ran = driver.execute_script("return window.__xss || null")
    if ran:
        fail(f"{where}: the {ran} payload ran")
    injected = driver.execute_script(
        "return document.querySelectorAll('img, iframe, object, embed, a[href^=\"javascript\"], script:not([src])').length"
    )
    if injected:
        fail(f"{where}: {injected} injected elements in the page")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    port, ui, _ = start(["listen", "--port", "0", "--ui", "0"], "events.db")
    second, _, received = start(["listen", "--port", "0", "--no-ui"], "second.db")

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,950",
                 "--disable-gpu", "--no-first-run"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(ui)
        wait(driver, lambda d: d.find_element(By.ID, "status").text == "live", "the live stream")

        # Events appear without a reload.
        send(port, "--set", "data.amount=10.00")
        wait(driver, lambda d: len(rows(d)) == 1, "the first event")
        send(port, "--secret", "not-the-secret")
        wait(driver, lambda d: len(rows(d)) == 2, "the tampered event")
        tampered = rows(driver)[0]
        if "✗" not in tampered.text or "mismatch" not in tampered.text:
            fail(f"the tampered row does not show its cause: {tampered.text!r}")
        send(port, body=json.dumps({
            "id": "evt_deep", "type": "payment.succeeded", "createdAt": "2026-01-01T00:00:00Z",
            "data": {"a": {"b": {"c": [1, {"d": DEEP}]}}},
        }))
        raw_post(port, [("X-Evil", XSS[1]), ("X-Link", XSS[2])], json.dumps({
            "id": XSS[1], "type": XSS[0], "data": {"note": XSS[0], "img": XSS[1], "url": XSS[2], "tty": XSS[3]},
        }))
        wait(driver, lambda d: len(rows(d)) == 4, "four events")
        no_script_ran(driver, "the list")
        if XSS[1] not in rows(driver)[0].text:
            fail(f"the markup in the event id is not shown as text: {rows(driver)[0].text!r}")
        driver.save_screenshot(os.path.join(SHOTS, "list.png"))

        # The hostile event opened: every part shown, nothing run.
        rows(driver)[0].click()
        wait(driver, lambda d: "x-evil" in d.find_element(By.ID, "detail").text, "the hostile event's headers")
        detail = driver.find_element(By.ID, "detail").text
        if XSS[0] not in detail or "\\u001b" not in detail:
            fail("the body's markup and escapes are not shown as text")
        no_script_ran(driver, "the event")

        # The tampered one explains itself.
        rows(driver)[2].click()
        wait(driver, lambda d: "Ruled out" in d.find_element(By.ID, "detail").text, "the tampered event's checks")
        detail = driver.find_element(By.ID, "detail").text
        if "signature mismatch" not in detail or "does not match the secret" not in detail:
            fail(f"no cause shown: {detail[:400]}")
        driver.save_screenshot(os.path.join(SHOTS, "event.png"))

        # Full-text search finds the value deep in a body.
        search = driver.find_element(By.ID, "q")
        search.send_keys(DEEP, Keys.ENTER)
        wait(driver, lambda d: len(rows(d)) == 1 and "evt_deep" in rows(d)[0].text, "the search result")
        driver.find_element(By.ID, "clear").click()
        wait(driver, lambda d: len(rows(d)) == 4, "the whole list again")

        # Replay to the second listener: its answer shows, and it received the event re-signed.
        rows(driver)[3].click()
        target = wait(driver, EC.element_to_be_clickable((By.ID, "replay-to")), "the replay form")
        target.send_keys(second)
        driver.find_element(By.ID, "replay").click()
        wait(driver, lambda d: "200 from" in d.find_element(By.ID, "replay-result").text, "the replay's answer")
        if "received" not in driver.find_element(By.ID, "replay-result").text:
            fail("the answer's body is not shown")
        deadline = time.time() + 10
        while not received and time.time() < deadline:
            time.sleep(0.1)
        if not received or "✓ signed" not in received[0]:
            fail(f"the second listener did not get a valid delivery: {received}")

        # A diff of two events, chosen with the keyboard.
        driver.find_element(By.TAG_NAME, "body").click()
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys("d")
        body.send_keys("k")
        body.send_keys("d")
        wait(driver, lambda d: "Diff #" in d.find_element(By.ID, "detail").text, "the diff")
        if "data.amount" not in driver.find_element(By.ID, "detail").text:
            fail("the JSON-aware diff does not name the differing path")
        driver.save_screenshot(os.path.join(SHOTS, "diff.png"))
        no_script_ran(driver, "the diff")
    finally:
        driver.quit()

    # A foreign Host (DNS rebinding) and a foreign Origin are refused.
    address = ui.removeprefix("http://").rstrip("/")
    host, ui_port = address.split(":")
    connection = http.client.HTTPConnection(host, int(ui_port))
    connection.request("GET", "/api/events", headers={"Host": "rebound.example"})
    if connection.getresponse().status != 421:
        fail("a foreign Host was served")
    connection = http.client.HTTPConnection(host, int(ui_port))
    connection.request("GET", "/api/session")
    csrf = json.loads(connection.getresponse().read())["csrf"]
    connection = http.client.HTTPConnection(host, int(ui_port))
    connection.request("DELETE", "/api/events/1", headers={"X-Hookctl-Csrf": csrf, "Origin": "http://rebound.example"})
    if connection.getresponse().status != 403:
        fail("a foreign Origin could delete")
    for child in children:
        child.kill()
    print(f"ui: the browser test passed; screenshots in {SHOTS}")


main()
