"""Where the providers' published OpenAPI descriptions live: ../shared/specs beside the repo.

The twins read them to refuse what the real providers refuse; the contract tests read them
to check our adapters. BGC_SPECS_DIR points elsewhere when the repo is not beside shared/.
A twin must run on a machine that has only the repository (`make run` on a fresh clone), so
the spec a twin needs is also shipped, gzipped, in provider_specs/ (Stripe's openapi
repository, MIT licence) and read when no folder of specs is there.
"""
from __future__ import annotations

import gzip
import json
import os
from functools import lru_cache
from pathlib import Path

from services.settings import REPO_ROOT

STRIPE_SPEC = "stripe_spec3_2023-09-12.json"
SENDGRID_SPEC = "sendgrid_tsg_mail_v3.json"


def specs_dir() -> Path:
    return Path(os.environ.get("BGC_SPECS_DIR", REPO_ROOT.parent / "shared" / "specs"))


def spec_path(name: str) -> Path:
    path = specs_dir() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"Provider spec {name} not found in {path.parent}: clone the repo beside shared/ "
            "or set BGC_SPECS_DIR to the folder of the providers' OpenAPI files.")
    return path


SHIPPED = Path(__file__).parent / "provider_specs"


@lru_cache(maxsize=None)
def load_spec(name: str) -> dict:
    shipped = SHIPPED / f"{name}.gz"
    if not (specs_dir() / name).is_file() and shipped.is_file():
        return json.loads(gzip.decompress(shipped.read_bytes()))
    return json.loads(spec_path(name).read_text("utf-8"))
