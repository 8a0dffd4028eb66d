"""Drives the dashboard in headless Chromium (the system's chromium and chromedriver) and prints what it saw as JSON.

Run by Tests/CallbackGatewayTests/DashboardBrowserTests.swift against a real gateway: it reads its instructions as a
JSON object on stdin ({"base_url", "token", "screenshots", "chromium", "chromedriver", "lookup"}) and prints one JSON
object of observations; the Swift test holds the expectations. Screenshots go to the "screenshots" folder.
"""

import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def main():
    task = json.load(sys.stdin)
    base = task["base_url"]
    folder = task["screenshots"]
    os.makedirs(folder, exist_ok=True)

    options = Options()
    options.binary_location = task["chromium"]
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=task["chromedriver"]), options=options)
    driver.set_page_load_timeout(30)
    seen = {}

    def shot(name):
        driver.save_screenshot(os.path.join(folder, name + ".png"))

    def path():
        return driver.current_url[len(base):] if driver.current_url.startswith(base) else driver.current_url

    # Read in one script each, so that a refresh replacing the section cannot happen halfway through.
    def overview_cells():
        return driver.execute_script(
            "return Array.from(document.querySelectorAll('#stats td[data-outcome]')).map(function (cell) {"
            " return {date: cell.dataset.date, provider: cell.dataset.provider, outcome: cell.dataset.outcome,"
            " count: parseInt(cell.textContent, 10)}; });")

    def table_rows(selector):
        return driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(function (row) {"
            " return Array.from(row.querySelectorAll('td')).map(function (cell) { return cell.textContent; }); });",
            selector)

    # A click that submits a form returns before the next page has loaded: wait until the old page is gone.
    def submit(button_id):
        page = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.ID, button_id).click()
        WebDriverWait(driver, 20).until(expected_conditions.staleness_of(page))

    def sign_in(token):
        field = driver.find_element(By.ID, "token")
        field.clear()
        field.send_keys(token)
        submit("sign-in")

    try:
        driver.get(base + "/dashboard")
        seen["unsigned_path"] = path()
        shot("01-sign-in")

        sign_in("not-the-admin-token-at-all")
        messages = driver.find_elements(By.ID, "message")
        seen["wrong_token_message"] = messages[0].text if messages else None
        shot("02-wrong-token")

        sign_in(task["token"])
        seen["signed_in_path"] = path()
        seen["cookies"] = driver.get_cookies()
        seen["overview_cells"] = overview_cells()
        seen["charts"] = len(driver.find_elements(By.CSS_SELECTOR, ".charts svg rect"))
        shot("03-overview")

        driver.get(base + "/dashboard?limit_days=1")
        seen["overview_cells_1"] = overview_cells()

        driver.get(base + "/dashboard/unmapped")
        seen["unmapped"] = table_rows("#unmapped tbody tr")
        shot("04-unmapped")

        if task.get("backlog"):
            driver.get(base + "/dashboard/backlog")
            seen["backlog"] = {element.get_attribute("id"): element.text
                               for element in driver.find_elements(By.CSS_SELECTOR, "[data-backlog]")}
            shot("05-backlog")

        if task.get("lookup"):
            driver.get(base + "/dashboard/lookup")
            field = driver.find_element(By.ID, "q")
            field.send_keys(task["lookup"])
            submit("look-up")
            seen["lookup_status"] = driver.find_element(By.ID, "notification-status").text
            seen["lookup_trail"] = table_rows("#trail tbody tr")
            seen["lookup_page"] = driver.page_source
            shot("06-lookup")

        if task.get("refresh_seconds"):
            driver.get(base + "/dashboard")
            deadline = time.time() + task["refresh_seconds"]
            refreshed = None
            while time.time() < deadline and not refreshed:
                time.sleep(0.5)
                refreshed = driver.find_element(By.ID, "live").get_attribute("data-refreshed")
            seen["refreshed"] = bool(refreshed)

        submit("sign-out")
        seen["signed_out_path"] = path()
        seen["cookies_after_sign_out"] = driver.get_cookies()
        driver.get(base + "/dashboard")
        seen["after_sign_out_path"] = path()
        seen["after_sign_out_has_form"] = len(driver.find_elements(By.ID, "token")) == 1
        shot("07-signed-out")
    finally:
        driver.quit()
    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    main()
