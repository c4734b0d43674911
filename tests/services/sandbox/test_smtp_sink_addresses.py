"""The sink reads the usual MAIL FROM / RCPT TO paths itself and leaves the others to aiosmtpd's
full parser: either way, each path gives what aiosmtpd alone would give."""
import pytest
from aiosmtpd.smtp import SMTP

from services.sandbox.smtp_sink import SinkSMTP

PATHS = ["<awa@exemple.cm>", "<promo.fevrier+cm@b-gotocall.com> SIZE=1000 BODY=8BITMIME",
         "<a@b.c>  SIZE=1 ", "<a@b.c>\tSMTPUTF8", "<a@b.c> (comment) SIZE=1", " <a@b.c>", "",
         "a@b.c", '<"awa ngo"@exemple.cm>', "<a..b@c.d>", "<.a@b>", "<a@[192.0.2.1]>",
         "<é@exemple.cm>", "<a@b.c>x", "<no-at-sign>", "<a@b.c"]


class _Handler:
    pass


@pytest.mark.parametrize("path", PATHS)
def test_a_path_reads_as_aiosmtpd_reads_it(path):
    assert SinkSMTP(_Handler())._getaddr(path) == SMTP(_Handler())._getaddr(path)


def test_the_local_part_limit_still_applies():
    long_local = "<" + "a" * 65 + "@exemple.cm>"
    sink = SinkSMTP(_Handler())
    sink.local_part_limit = 64  # a class attribute in aiosmtpd, set by subclasses
    assert sink._getaddr(long_local) == (None, None)
