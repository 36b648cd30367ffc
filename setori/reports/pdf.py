"""A report's HTML printed to PDF/A-3b by WeasyPrint: offline, reproducible, CJK-capable.

* **Offline**: the page is self-contained; the URL fetcher allows only ``data:`` URIs and
  stops on any other, so nothing is fetched whatever the HTML holds.
* **PDF/A-3b** (``pdf_variant="pdf/a-3b"``), which allows embedded files: the signed
  bundle manifest (a DSSE envelope) rides along as an attachment when given.
* **Reproducible**: the document's dates come from ``created`` (the caller passes
  ``SOURCE_DATE_EPOCH`` when set), attachments carry the same date, and the file
  identifier is derived from the content, so the same input gives the same bytes.
* **Fonts**: Noto Sans CJK (Debian ``fonts-noto-cjk``) renders Latin, Hangul and Japanese;
  fonts are embedded (subset), as PDF/A requires.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

from setori.errors import InputError

PDF_VARIANT = "pdf/a-3b"


def render_pdf(
    html: str,
    *,
    created: datetime,
    attachments: Mapping[str, bytes] | None = None,
) -> bytes:
    """``html`` as PDF/A-3b bytes, with ``attachments`` (file name -> bytes) embedded."""
    import weasyprint  # type: ignore[import-untyped]

    moment = created.astimezone(UTC).replace(tzinfo=None)
    files = [
        weasyprint.Attachment(
            string=data,
            name=name,
            created=moment,
            modified=moment,
            description=name,
            relationship="Source",
        )
        for name, data in sorted((attachments or {}).items())
    ]
    from weasyprint.urls import (  # type: ignore[import-untyped]
        FatalURLFetchingError,
        URLFetcher,
    )

    offline = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=html, url_fetcher=offline)
    digest = hashlib.md5(html.encode("utf-8"), usedforsecurity=False)
    for name, data in sorted((attachments or {}).items()):
        digest.update(name.encode("utf-8") + b"\0" + data)
    try:
        pdf: bytes = document.write_pdf(
            pdf_variant=PDF_VARIANT,
            attachments=files,
            pdf_identifier=digest.hexdigest().encode(),
            uncompressed_pdf=False,
        )
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: made a SetoriError
        raise InputError(
            f"{exc}: a report may embed only data: URIs (it is made offline)"
        ) from None
    return pdf
