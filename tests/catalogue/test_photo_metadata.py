"""Issue 18, item 9: photos keep no EXIF (GPS position, camera), originals included."""

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from wagtail.images import get_image_model
from wagtail.models import Collection

import pytest
from PIL import Image as PILImage
from PIL import PngImagePlugin

from catalogue import photos
from catalogue.models import ServicePhoto
from tests.factories import OrganisationFactory, ServiceFactory, make_provider

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def exif_with_gps(orientation: int = 1) -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[0x010F] = "SnoopCam"  # Make
    exif[0x0110] = "Model X-9000"  # Model
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (52.0, 22.0, 5.5)
    gps[3] = "W"
    gps[4] = (2.0, 43.0, 1.25)
    return exif


def photo_with_metadata(image_format: str, size=(60, 40), orientation: int = 1) -> bytes:
    picture = PILImage.new("RGB", size, "teal")
    picture.putpixel((0, 0), (255, 0, 0))
    buffer = io.BytesIO()
    exif = exif_with_gps(orientation)
    if image_format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "Taken at 12 Acacia Avenue")
        picture.save(buffer, "PNG", exif=exif, pnginfo=info)
    elif image_format == "JPEG":
        picture.save(buffer, "JPEG", exif=exif, comment=b"Taken at 12 Acacia Avenue")
    else:
        picture.save(buffer, image_format, exif=exif, xmp=b"<x:xmpmeta>Acacia Avenue</x:xmpmeta>")
    data = buffer.getvalue()
    assert b"SnoopCam" in data  # the test file really carries it
    return data


def assert_clean(data: bytes) -> None:
    for secret in (b"SnoopCam", b"Model X-9000", b"Acacia Avenue"):
        assert secret not in data
    with PILImage.open(io.BytesIO(data)) as opened:
        exif = opened.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert 0x010F not in exif and 0x0110 not in exif
        assert "exif" not in opened.info and "comment" not in opened.info


@pytest.fixture
def service():
    return ServiceFactory(organisation=OrganisationFactory(), name="Sunrise House")


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_an_uploaded_photo_is_stored_without_its_metadata(service, image_format):
    owner = make_provider(service.organisation)
    photo = photos.photo_add(
        user=owner,
        service=service,
        file=SimpleUploadedFile("p", photo_with_metadata(image_format)),
        alt_text="The garden",
    )
    with photo.image.open_file() as handle:
        stored = handle.read()
    assert_clean(stored)
    with PILImage.open(io.BytesIO(stored)) as opened:
        assert opened.size == (60, 40)
    # A rendition is made from the clean original.
    rendition = photo.image.get_rendition("width-30")
    with rendition.file.open() as handle:
        assert_clean(handle.read())


def test_a_sideways_phone_photo_is_turned_upright_before_its_tag_goes(service):
    owner = make_provider(service.organisation)
    # Orientation 6: the camera held on its side; viewers rotate it 90 degrees.
    photo = photos.photo_add(
        user=owner,
        service=service,
        file=SimpleUploadedFile("p.jpg", photo_with_metadata("JPEG", orientation=6)),
        alt_text="The lounge",
    )
    assert (photo.image.width, photo.image.height) == (40, 60)
    with photo.image.open_file() as handle, PILImage.open(handle) as opened:
        assert opened.size == (40, 60)
        assert ORIENTATION not in opened.getexif()


def test_photos_stored_before_the_fix_are_re_encoded_with_their_renditions(service):
    """Originals already stored with EXIF: strip_photo_metadata rewrites them."""
    data = photo_with_metadata("JPEG")
    image = get_image_model()(
        title="Old", collection=Collection.get_first_root_node(), width=60, height=40
    )
    image.file.save("old.jpg", ContentFile(data), save=False)
    image.width, image.height = 60, 40
    image.save()
    ServicePhoto.objects.create(service=service, image=image, alt_text="Old photo")
    image.get_rendition("width-30")

    out = io.StringIO()
    call_command("strip_photo_metadata", stdout=out)
    assert "Photos re-encoded without metadata: 1." in out.getvalue()
    image.refresh_from_db()
    with image.open_file() as handle:
        assert_clean(handle.read())
    assert not image.renditions.exists()
    # A second run finds nothing left to do.
    out = io.StringIO()
    call_command("strip_photo_metadata", stdout=out)
    assert "Photos re-encoded without metadata: 0." in out.getvalue()
