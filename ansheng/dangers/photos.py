"""Photo uploads: checked by content, not by name or declared type (a renamed script is refused).

A photo is accepted when its first bytes are those of JPEG, PNG or WebP, Pillow can verify the image, and it is
no larger than DANGERS_PHOTO_MAX_BYTES. The stored name is random; the file lives under MEDIA_ROOT/private and is
served only through the access-checked view `dangers:photo`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ansheng.core.errors import ValidationFailed
from ansheng.dangers import conf

# (magic test, content type, suffix)
_SIGNATURES = (
    (lambda head: head.startswith(b"\xff\xd8\xff"), "image/jpeg", ".jpg", "JPEG"),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), "image/png", ".png", "PNG"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", "image/webp", ".webp", "WEBP"),
)


@dataclass(frozen=True)
class CheckedPhoto:
    upload: Any  # the Django UploadedFile
    content_type: str
    suffix: str
    size: int


def check_photo(upload: Any, field: str = "photos") -> CheckedPhoto:
    size = getattr(upload, "size", None) or 0
    limit = conf.get("DANGERS_PHOTO_MAX_BYTES")
    if size <= 0:
        raise ValidationFailed(_("照片文件为空"), code="empty_photo", field=field)
    if size > limit:
        raise ValidationFailed(
            _("照片不能大于 %(mb).1f MB") % {"mb": limit / 1024 / 1024}, code="photo_too_large", field=field
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = next((sig for sig in _SIGNATURES if sig[0](head)), None)
    if found is None:
        raise ValidationFailed(_("照片须为 JPEG、PNG 或 WebP 图片"), code="photo_type", field=field)
    _test, content_type, suffix, pil_format = found
    from PIL import Image

    try:
        with Image.open(upload) as image:
            if image.format != pil_format:
                raise ValueError(image.format)
            image.verify()
    except Exception:
        raise ValidationFailed(_("照片文件已损坏或不是图片"), code="photo_invalid", field=field) from None
    finally:
        upload.seek(0)
    return CheckedPhoto(upload, content_type, suffix, size)


def check_photos(uploads: Iterable[Any], field: str = "photos", *, required: bool = False) -> list[CheckedPhoto]:
    items = [upload for upload in uploads if upload]
    if required and not items:
        raise ValidationFailed(_("请上传照片"), code="missing_photo", field=field)
    if len(items) > conf.get("DANGERS_PHOTO_MAX_COUNT"):
        raise ValidationFailed(
            _("照片最多 %(n)s 张") % {"n": conf.get("DANGERS_PHOTO_MAX_COUNT")}, code="too_many_photos", field=field
        )
    return [check_photo(upload, field) for upload in items]
