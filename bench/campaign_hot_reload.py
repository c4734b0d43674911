"""UC-CP-02 hot reload: time from "Appliquer les modifications" (a saved version) to the new
script shown on an open agent page in Chromium, without reloading it.

Starts the whole product on a fresh data folder (as `make run` does), opens one agent page,
saves N versions of the script and prints the latency distribution.

    .venv/bin/python bench/campaign_hot_reload.py [N=30]
"""
from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack_startup import _free_port  # noqa: E402


def main(rounds: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="bgc-bench-"))
    os.environ.update(BGC_DATA_DIR=str(data_dir), BGC_WEB_PORT=str(_free_port()),
                      BGC_SANDBOX_PORT=str(_free_port()))
    from services.settings import get_settings
    from services.stack import run
    from services.stack.environment import stack_environment
    from services.stack.processes import Ports, Stack

    servers = run.prepare_databases()
    s = get_settings()
    stack = Stack(stack_environment(s.data_dir, s.database_url, s.redis_url),
                  Ports(web=s.web_port, sandbox=s.sandbox_port), s.data_dir / "logs")
    stack.start()
    try:
        latencies = _measure(f"http://localhost:{s.web_port}", rounds)
    finally:
        stack.stop()
        if servers:
            servers.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    latencies.sort()
    print(f"hot reload to an open agent page, {rounds} saves: "
          f"p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.0f} ms, "
          f"max {latencies[-1]:.0f} ms")


def _measure(url: str, rounds: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    from services.campaigns.lifecycle import create_campaign, launch_campaign
    from services.campaigns.versions import save_campaign
    from services.models.platform import Role
    from tests.support.accounts import PASSWORD, context_for, new_tenant
    from tests.support.campaigns import fund, launchable_config, new_agent, ready_list

    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    agent_email, agent_id = new_agent(tenant)
    campaign = create_campaign(ctx, launchable_config(ready_list(ctx), agent_id))
    launch_campaign(ctx, campaign.id)
    config = dict(campaign.config)
    latencies = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(base_url=url)
        page.goto("/connexion")
        page.locator("#email").fill(agent_email)
        page.locator("#password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        page.wait_for_url("**/bandeau")
        page.get_by_test_id("agent-script").wait_for()
        for n in range(rounds):
            marker = f"Argument {n}"
            config["channels"] = {**config["channels"], "voice": {
                **config["channels"]["voice"], "script": f"<p>{marker}</p>"}}
            start = time.perf_counter()
            save_campaign(ctx, campaign.id, config)
            page.wait_for_function(
                "m => document.querySelector('[data-testid=agent-script]')"
                "?.textContent.includes(m)", arg=marker, timeout=10_000)
            latencies.append((time.perf_counter() - start) * 1000)
        browser.close()
    return latencies


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
