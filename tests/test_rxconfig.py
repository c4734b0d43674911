"""The app's Reflex configuration loads as the web process loads it, without a deprecation."""
import subprocess
import sys

from services.settings import REPO_ROOT


def test_the_config_loads_without_deprecation_and_without_the_sitemap():
    run = subprocess.run([sys.executable, "-c", "import rxconfig; from reflex.plugins import SitemapPlugin; "
                          "assert rxconfig.config.disable_plugins == [SitemapPlugin]"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "deprecated" not in (run.stdout + run.stderr)
