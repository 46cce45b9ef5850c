"""Photo uploads: checked by content with Pillow, re-encoded, stripped of metadata.

`prepare_photos` is the one check; `PhotosField` (forms) and
`PhotosSerializerField` (DRF) take several photos in one input and clean
them through it, so every form and API names a bad photo the same way.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from rest_framework import serializers

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "MPO": "JPEG"}
STORED_MAX_SIDE = 2560
THUMBNAIL_SIDE = 320
# What the file picker offers; the content is checked whatever the browser says.
PHOTO_TYPES = "image/jpeg,image/png,image/webp"


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to store: JPEG bytes without EXIF, and a thumbnail."""

    name: str
    data: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    content_type: str = "image/jpeg"


def _limits() -> tuple[int, int]:
    return settings.PHOTO_MAX_BYTES, settings.PHOTO_MAX_PIXELS


def prepare_photo(upload: Any) -> PreparedPhoto:
    """Check an uploaded file is a real photo within limits and re-encode it."""
    max_bytes, max_pixels = _limits()
    name = getattr(upload, "name", "") or _("photo")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; a photo may be at most %(max)d MB.")
            % {
                "name": name,
                "size": size / 1024 / 1024,
                "max": max_bytes // 1024 // 1024,
            },
            code="photo_too_large",
        )
    image = _rgb(_opened(upload, name=name, max_pixels=max_pixels))
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE))
    data = _jpeg(image, quality=85)
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return PreparedPhoto(
        name=name,
        data=data,
        thumbnail=_jpeg(small, quality=75),
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _opened(upload: Any, *, name: str, max_pixels: int) -> Image.Image:
    """The upload decoded and turned upright, or a ValidationError naming it."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(upload)
            width, height = opened.size
            if opened.format not in ALLOWED_FORMATS:
                raise UnidentifiedImageError(opened.format)
            if width * height > max_pixels:
                raise _too_many_pixels(name, width * height, max_pixels)
            opened.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses absurd sizes before we can read them; it names the count.
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise _too_many_pixels(
            name, int(found.group(1)) if found else max_pixels * 5, max_pixels
        ) from None
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValidationError(
            _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name},
            code="photo_invalid",
        ) from None
    return _upright(opened)


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF Orientation says, or as stored if unreadable.

    A phone's EXIF can be malformed in ways Pillow trips over (a tag of the
    wrong type raises TypeError deep in its EXIF code); the pixels are still
    good, so the photo is kept as it was stored rather than refused.
    """
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _rgb(image: Image.Image) -> Image.Image:
    """The image in RGB, transparency laid on white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _too_many_pixels(name: str, pixels: int, max_pixels: int) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” has %(megapixels)d megapixels; a photo may have at most "
            "%(max)d megapixels."
        )
        % {
            "name": name,
            "megapixels": pixels // 1_000_000,
            "max": max_pixels // 1_000_000,
        },
        code="photo_too_many_pixels",
    )


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    """JPEG bytes of the pixels alone.

    Pillow carries some of the source's metadata into a save by itself (a
    JPEG comment, so a polyglot's script, is written again from
    ``image.info``); a new image made from the pixels has none to carry.
    """
    pixels = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = io.BytesIO()
    pixels.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def prepare_photos(uploads: Any, *, limit: int | None = None) -> list[PreparedPhoto]:
    """Prepare several uploads, reporting every bad file in one error."""
    uploads = [u for u in uploads or [] if u]
    limit = settings.PHOTO_MAX_COUNT if limit is None else limit
    if len(uploads) > limit:
        raise ValidationError(
            _("At most %(limit)d photos; you chose %(count)d.")
            % {"limit": limit, "count": len(uploads)},
            code="photo_count",
        )
    _check_total_pixels(uploads)
    prepared, errors = [], []
    for upload in uploads:
        try:
            prepared.append(prepare_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return prepared


def _header_pixels(upload: Any) -> int:
    """Width × height as the file's header says, without decoding; 0 if unreadable."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as opened:
                width, height = opened.size
    except (
        Image.DecompressionBombError,
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ):
        # Each file's own check names what is wrong with it.
        return 0
    return width * height


def _check_total_pixels(uploads: list[Any]) -> None:
    """Refuse photos whose pixels add up past the limit, before decoding any."""
    limit = settings.PHOTO_MAX_TOTAL_PIXELS
    total = sum(_header_pixels(upload) for upload in uploads)
    if total > limit:
        raise ValidationError(
            _(
                "Together the photos have %(megapixels)d megapixels; all the photos "
                "of one report may have at most %(max)d megapixels. Choose fewer "
                "photos or smaller ones."
            )
            % {"megapixels": total // 1_000_000, "max": limit // 1_000_000},
            code="photo_total_pixels",
        )


# Form and API fields


class MultiplePhotoInput(forms.FileInput):
    """A file input that takes several photos at once and offers only photos."""

    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": PHOTO_TYPES, **(attrs or {})})


class PhotosField(forms.FileField):
    """Several photos in one input; cleans to prepared (re-encoded) photos."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[PreparedPhoto]:
        uploads = data if isinstance(data, list | tuple) else [data]
        files = [super(PhotosField, self).clean(u, initial) for u in uploads if u]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return prepare_photos(files)


class PhotosSerializerField(serializers.ListField):
    """Several uploaded photos (multipart), prepared; their errors are the field's."""

    child = serializers.FileField()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", list)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[PreparedPhoto]:
        try:
            return prepare_photos(super().to_internal_value(data))
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


def stored_photo_response(
    stored: File | None, *, content_type: str = "image/jpeg"
) -> FileResponse:
    """Stream a stored photo to a member of staff the caller has checked may
    see it (photos have no public URL); 404 when there is none or its file
    is missing."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(_("The photo file is missing.")) from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
