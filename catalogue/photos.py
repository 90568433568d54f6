"""Listing photos: providers add up to ten photos to a service, each with a description.

Rules (issue 3, "up to 10 photos (resized renditions; only real images under a size limit;
decompression bombs rejected)"):
- Only staff (owners and editors) of the service's organisation add, remove or reorder photos.
- A service has at most MAX_PHOTOS photos, each with alt text (what it shows, for people who
  cannot see it).
- A file is accepted only if Pillow decodes it as JPEG, PNG or WebP: the format is decided by the
  file's content, never by its name or the browser's content type, and only those decoders are
  ever tried (so a file cannot reach Pillow's rarer, riskier plugins).
- Size: the file must be under CATALOGUE_PHOTO_MAX_BYTES (5 MB), and the picture under
  CATALOGUE_PHOTO_MAX_PIXELS (25 megapixels). The pixel count is read from the file's header and
  checked BEFORE any pixel data is decoded, so a small file that declares a huge picture (a
  decompression bomb) is refused without the server spending memory on it; Pillow's own bomb
  warning is turned into an error as a second line of defence.
- Photos are stored as Wagtail images (in the default collection) so every size shown on the
  site is a Wagtail rendition; the original is never shown to the public.
- Every photo is re-encoded from its pixels before it is stored (`strip_metadata`): the stored
  original, and so every rendition, carries no EXIF (GPS position, camera), XMP or comments.
- A refused photo leaves nothing behind: no Image row, no ServicePhoto and no file.
Adding and removing photos publishes at once (like any later edit) and is written to the
service's change log so moderators can review it.
"""

from __future__ import annotations

import io
import struct
import uuid
import warnings
from collections.abc import Sequence
from functools import partial
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from .models import Service, ServiceChange, ServicePhoto
from .permissions import require_editor

MAX_PHOTOS = 10

# The decoders Pillow may try, and the formats they may report. Phones often save JPEGs with
# a second, "multi-picture" frame, which Pillow reports as MPO: it is still a JPEG file.
DECODERS = ["JPEG", "PNG", "WEBP"]
EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}

WRONG_FORMAT = "The file must be a photo in JPG, PNG or WebP format"
DAMAGED = "The photo could not be read. It may be damaged: try saving it again"
TOO_MANY = f"You can add up to {MAX_PHOTOS} photos"
EMPTY = "The selected file is empty"
ALT_REQUIRED = "Describe what the photo shows"


def max_bytes() -> int:
    return int(settings.CATALOGUE_PHOTO_MAX_BYTES)


def max_pixels() -> int:
    return int(settings.CATALOGUE_PHOTO_MAX_PIXELS)


def describe_size(size: int) -> str:
    """5242880 -> '5 MB'; 1500 -> '1.5 KB' (in the units people see on their computer)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB"


def too_big_message() -> str:
    return f"The photo must be smaller than {describe_size(max_bytes())}"


def too_many_pixels_message() -> str:
    return (
        "The photo is too large to process: "
        f"it must be under {max_pixels() / 1_000_000:g} megapixels"
    )


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _read_limited(file: IO[bytes]) -> bytes:
    """The upload's bytes, refusing it as soon as it passes the size limit."""
    limit = max_bytes()
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise _file_error(too_big_message())
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _file_error(too_big_message())
    if not data:
        raise _file_error(EMPTY)
    return data


def check_image(data: bytes) -> tuple[str, int, int]:
    """Decide whether `data` is a photo we accept; return its format (JPEG, MPO, PNG, WEBP),
    width and height.

    Order matters: open (reads the header only), check the format and the declared pixel count,
    then verify() the file's structure, then reopen and decode it fully (verify() leaves the
    image unusable, and some formats only show damage when decoded).
    """
    # (catch_warnings is process-wide; if another thread's filters win a race, Pillow only
    # warns, and the stricter pixel check below still refuses the file before decoding.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            with PILImage.open(io.BytesIO(data), formats=DECODERS) as image:
                image_format = image.format or ""
                width, height = image.size
                if image_format not in EXTENSIONS:
                    raise _file_error(WRONG_FORMAT)
                if width * height > max_pixels():
                    raise _file_error(too_many_pixels_message())
                image.verify()
            with PILImage.open(io.BytesIO(data), formats=DECODERS) as image:
                image.load()
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _file_error(too_many_pixels_message()) from None
        except UnidentifiedImageError:
            raise _file_error(WRONG_FORMAT) from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error):
            # Pillow reports truncated or corrupt files with any of these.
            raise _file_error(DAMAGED) from None
    return image_format, width, height


# What survives re-encoding: the pixels, turned upright by the camera's orientation tag, the
# colour profile (how to show the colours; nothing about where or with what it was taken) and a
# palette picture's transparent colour. Everything else the file carried is left behind: EXIF
# (GPS position, camera, serial numbers, dates), XMP, comments and PNG text chunks.
KEPT_INFO = ("icc_profile", "transparency")
SAVE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}


def strip_metadata(data: bytes, image_format: str) -> tuple[bytes, int, int]:
    """Re-encode a checked photo from its pixels alone (see KEPT_INFO): what is stored, the
    original included, never holds the EXIF a phone writes (where the photo was taken). Returns
    the new bytes, width and height (a photo turned upright swaps them)."""
    from PIL import ImageOps

    with PILImage.open(io.BytesIO(data), formats=DECODERS) as opened:
        opened.load()
        upright = ImageOps.exif_transpose(opened)
        kept = {key: opened.info[key] for key in KEPT_INFO if key in opened.info}
    clean = upright.copy()
    clean.info = {}
    save_format = SAVE_FORMATS[image_format]
    options: dict = {}
    if kept.get("icc_profile"):
        options["icc_profile"] = kept["icc_profile"]
    if save_format == "PNG" and "transparency" in kept:
        options["transparency"] = kept["transparency"]
    if save_format == "JPEG":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        options.update(quality=90, exif=b"", comment=b"")
    elif save_format == "WEBP":
        options.update(quality=90, exif=b"", xmp=b"")
    output = io.BytesIO()
    clean.save(output, format=save_format, **options)
    return output.getvalue(), clean.width, clean.height


def _clean_alt_text(alt_text: str) -> str:
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise ValidationError({"alt_text": ALT_REQUIRED})
    limit = ServicePhoto._meta.get_field("alt_text").max_length or 200
    if len(alt_text) > limit:
        raise ValidationError({"alt_text": f"The description must be {limit} characters or fewer"})
    return alt_text


def _log(service: Service, user, changes: dict, note: str) -> None:
    ServiceChange.objects.create(
        service=service, user=user, action=ServiceChange.Action.EDITED, changes=changes, note=note
    )


@transaction.atomic
def photo_add(*, user, service: Service, file: IO[bytes], alt_text: str) -> ServicePhoto:
    """Staff add a photo to a listing (at most ten; real JPEG, PNG or WebP photos only, under
    5 MB and 25 megapixels). Raises ValidationError keyed by "file" or "alt_text"."""
    require_editor(user, service.organisation)
    # Lock the listing so two uploads at once cannot both be the tenth photo.
    Service.objects.select_for_update().filter(pk=service.pk).first()
    count = service.photos.count()
    if count >= MAX_PHOTOS:
        raise _file_error(TOO_MANY)
    errors: dict[str, list[str]] = {}
    try:
        alt_text = _clean_alt_text(alt_text)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        data = _read_limited(file)
        image_format, width, height = check_image(data)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    data, width, height = strip_metadata(data, image_format)

    # Our own file name: the uploaded name is neither trusted nor kept.
    name = f"{service.slug[:60]}-{uuid.uuid4().hex[:12]}.{EXTENSIONS[image_format]}"
    image_model = get_image_model()
    image = image_model(
        title=f"{service.name}: {alt_text}"[:255],
        description=alt_text,  # Wagtail's default alt text wherever the image is used
        collection=Collection.get_first_root_node(),
        uploaded_by_user=user if getattr(user, "is_authenticated", False) else None,
        file_size=len(data),
        file_hash=hash_filelike(io.BytesIO(data)),
    )
    image.file.save(name, ContentFile(data), save=False)
    # Saving the file resets the dimensions; we already know them from the header.
    image.width, image.height = width, height
    stored = image.file.name
    try:
        image.full_clean(exclude=["file"])
        image.save()
        order = service.photos.aggregate(m=Max("sort_order"))["m"]
        photo = ServicePhoto(
            service=service,
            image=image,
            alt_text=alt_text,
            sort_order=0 if order is None else order + 1,
        )
        photo.full_clean()
        photo.save()
        _log(
            service,
            user,
            {"photos": [count, count + 1]},
            f"Added a photo: {alt_text}",
        )
    except BaseException:
        # The database rolls back with the transaction; the file on disk does not.
        image.file.storage.delete(stored)
        raise
    return photo


@transaction.atomic
def photo_remove(*, user, photo: ServicePhoto) -> None:
    """Staff remove a photo; its Wagtail image goes too (Wagtail deletes the file and its
    renditions once the transaction commits)."""
    service = photo.service
    require_editor(user, service.organisation)
    count = service.photos.count()
    image = photo.image
    alt_text = photo.alt_text
    photo.delete()
    image.delete()
    _log(service, user, {"photos": [count, count - 1]}, f"Removed a photo: {alt_text}")


@transaction.atomic
def photo_reorder(*, user, service: Service, photo_ids: Sequence[int]) -> list[ServicePhoto]:
    """Staff choose the order photos are shown in (the first is the listing's main photo).
    `photo_ids` must name every photo of the service exactly once."""
    require_editor(user, service.organisation)
    photos = {photo.pk: photo for photo in service.photos.select_for_update()}
    if sorted(photo_ids) != sorted(photos):
        raise ValidationError("The photos have changed since the page was loaded. Try again.")
    ordered = [photos[pk] for pk in photo_ids]
    for position, photo in enumerate(ordered):
        photo.sort_order = position
    ServicePhoto.objects.bulk_update(ordered, ["sort_order"])
    return ordered


@transaction.atomic
def photo_move(*, user, photo: ServicePhoto, offset: int) -> list[ServicePhoto]:
    """Move one photo earlier (offset -1) or later (+1) in its service's order."""
    service = photo.service
    require_editor(user, service.organisation)
    ids = list(service.photos.values_list("pk", flat=True))
    index = ids.index(photo.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    return photo_reorder(user=user, service=service, photo_ids=ids)


def photos_strip_existing() -> int:
    """Re-encode the stored originals of listing photos added before photos were re-encoded
    on upload (see strip_metadata), and drop their renditions so they are made again from the
    clean file. A file already clean is left alone. Returns how many files were rewritten."""
    rewritten = 0
    for photo in ServicePhoto.objects.select_related("image"):
        image = photo.image
        with image.open_file() as handle:
            data = handle.read()
        try:
            image_format, _width, _height = check_image(data)
        except ValidationError:
            continue  # not ours to judge again; it was accepted when it came
        clean, width, height = strip_metadata(data, image_format)
        with PILImage.open(io.BytesIO(data)) as opened:
            had_metadata = bool(opened.getexif()) or any(
                key in opened.info for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment")
            )
        if not had_metadata:
            continue
        with transaction.atomic():
            old_name = image.file.name
            name = old_name.rsplit("/", 1)[-1]
            image.renditions.all().delete()
            image.file.save(name, ContentFile(clean), save=False)
            image.width, image.height = width, height
            image.file_size = len(clean)
            image.file_hash = hash_filelike(io.BytesIO(clean))
            image.save()
            if image.file.name != old_name:
                transaction.on_commit(partial(image.file.storage.delete, old_name))
        rewritten += 1
    return rewritten
