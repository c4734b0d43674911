"""The Stripe twin needs its spec on a machine that has the repository only (no shared/)."""
import json

from services.sandbox import specs


def test_the_shipped_stripe_spec_is_the_published_one_and_serves_without_shared(monkeypatch, tmp_path):
    published = json.loads((specs.specs_dir() / specs.STRIPE_SPEC).read_text("utf-8"))
    specs.load_spec.cache_clear()
    monkeypatch.setenv("BGC_SPECS_DIR", str(tmp_path / "nowhere"))
    try:
        assert specs.load_spec(specs.STRIPE_SPEC) == published
    finally:
        specs.load_spec.cache_clear()


def test_a_spec_neither_shipped_nor_found_says_where_to_put_it(monkeypatch, tmp_path):
    monkeypatch.setenv("BGC_SPECS_DIR", str(tmp_path))
    specs.load_spec.cache_clear()
    try:
        specs.load_spec(specs.SENDGRID_SPEC)
    except FileNotFoundError as error:
        assert "BGC_SPECS_DIR" in str(error)
    else:
        raise AssertionError("a missing spec must be refused")
    finally:
        specs.load_spec.cache_clear()
