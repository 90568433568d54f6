"""Listing photos: the rules of catalogue.photos and the provider's photos pages."""

import io
import random
import struct
import zlib
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.images import get_image_model
from wagtail.models import Collection

import pytest
from bs4 import BeautifulSoup
from PIL import Image as PILImage
from PIL import ImageFile

from catalogue import photos
from catalogue.models import Membership, ServiceChange, ServicePhoto
from tests.factories import OrganisationFactory, ServiceFactory, make_provider, make_user

pytestmark = pytest.mark.django_db

Image = get_image_model()


# --- helpers and fixtures ------------------------------------------------------------------------


def image_bytes(image_format="PNG", size=(60, 40), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, size, "teal").save(buffer, image_format, **save)
    return buffer.getvalue()


def noisy_png(size=(120, 120)) -> bytes:
    """A PNG that does not compress well, so its size on disk is predictable."""
    rng = random.Random(3)
    image = PILImage.frombytes(
        "RGB", size, bytes(rng.randrange(256) for _ in range(3 * size[0] * size[1]))
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of width x height, all zeros: tiny on disk, huge in memory.

    Written chunk by chunk (as Pillow would write it, but in a fraction of the time)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = [compressor.compress(row * 1000) for _ in range(height // 1000)]
    idat += [compressor.compress(row * (height % 1000)), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(idat))
        + chunk(b"IEND", b"")
    )


def test_the_bomb_helper_makes_a_real_png():
    with PILImage.open(io.BytesIO(png_bomb(3000, 2000))) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (3000, 2000), "1")
        image.load()


def upload(data: bytes, name="photo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Sunrise Care Ltd")


@pytest.fixture
def service(organisation):
    return ServiceFactory(organisation=organisation, name="Sunrise House", slug="sunrise-house")


@pytest.fixture
def owner(organisation):
    return make_provider(organisation, email="owner@sunrise.example")


@pytest.fixture
def editor(organisation):
    return make_provider(organisation, Membership.Role.EDITOR, email="editor@sunrise.example")


@pytest.fixture
def outsider():
    return make_provider(OrganisationFactory(), email="other@elsewhere.example")


def add(user, service, data=None, alt_text="The front of the house", name="photo.png"):
    return photos.photo_add(
        user=user,
        service=service,
        file=upload(image_bytes() if data is None else data, name),
        alt_text=alt_text,
    )


def assert_nothing_saved(settings):
    assert not Image.objects.exists()
    assert not ServicePhoto.objects.exists()
    assert stored_files(settings) == []


# --- photo_add -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "extension", "save"),
    [
        ("PNG", "png", {}),
        ("JPEG", "jpg", {}),
        ("WEBP", "webp", {}),
        # Phones save JPEGs with a second picture inside, which Pillow calls MPO.
        ("MPO", "jpg", {"save_all": True, "append_images": [PILImage.new("RGB", (60, 40))]}),
    ],
)
def test_a_real_photo_is_stored_as_a_wagtail_image(
    settings, service, owner, image_format, extension, save
):
    data = image_bytes(image_format, **save)

    photo = add(owner, service, data, name="IMG 0001.HEIC")

    image = photo.image
    assert photo.service == service
    assert photo.alt_text == "The front of the house"
    assert (image.width, image.height) == (60, 40)
    assert image.title == "Sunrise House: The front of the house"
    assert image.description == "The front of the house"
    assert image.collection == Collection.get_first_root_node()
    assert image.uploaded_by_user == owner
    # The size of what is stored: the photo re-encoded without its metadata.
    assert image.file_size == image.file.size
    assert image.file_hash
    # Our own name, from the decoded format: not the uploaded name.
    assert image.file.name.startswith("original_images/sunrise-house-")
    assert image.file.name.endswith(f".{extension}")
    assert image.file.storage.exists(image.file.name)
    change = service.changes.get(action=ServiceChange.Action.EDITED)
    assert change.user == owner
    assert change.changes == {"photos": [0, 1]}


def test_photos_keep_the_order_they_were_added_in(service, owner):
    first = add(owner, service, alt_text="Front")
    second = add(owner, service, alt_text="Garden")

    assert list(service.photos.all()) == [first, second]


def test_a_text_file_named_like_a_photo_is_refused(settings, service, owner):
    with pytest.raises(ValidationError) as error:
        add(owner, service, b"I am not a photo, honest.\n" * 20, name="photo.jpg")

    assert error.value.message_dict == {"file": [photos.WRONG_FORMAT]}
    assert_nothing_saved(settings)


def test_the_format_is_decided_by_the_content_not_the_name(settings, service, owner):
    with pytest.raises(ValidationError) as error:
        add(owner, service, image_bytes("GIF"), name="photo.png")
    assert error.value.message_dict == {"file": [photos.WRONG_FORMAT]}

    with pytest.raises(ValidationError):
        add(owner, service, image_bytes("BMP"), name="photo.jpg")
    with pytest.raises(ValidationError):
        add(owner, service, image_bytes("TIFF"), name="photo.jpg")
    assert_nothing_saved(settings)

    photo = add(owner, service, image_bytes("PNG"), name="holiday.txt")
    assert photo.image.file.name.endswith(".png")


def test_a_damaged_photo_is_refused(settings, service, owner):
    data = image_bytes("PNG", size=(300, 300), mode="RGB")
    damaged = data[: len(data) // 2]

    with pytest.raises(ValidationError) as error:
        add(owner, service, damaged)

    assert error.value.message_dict == {"file": [photos.DAMAGED]}
    assert_nothing_saved(settings)


def test_an_empty_file_is_refused(settings, service, owner):
    with pytest.raises(ValidationError) as error:
        add(owner, service, b"")
    # SimpleUploadedFile with no bytes: our own check, whatever the form did.
    assert error.value.message_dict == {"file": [photos.EMPTY]}


def test_the_size_limit_is_5_mb_unless_set():
    assert photos.too_big_message() == "The photo must be smaller than 5 MB"
    assert photos.too_many_pixels_message() == (
        "The photo is too large to process: it must be under 25 megapixels"
    )


def test_an_oversized_photo_is_refused(settings, service, owner):
    data = noisy_png()
    settings.CATALOGUE_PHOTO_MAX_BYTES = len(data) - 1

    with pytest.raises(ValidationError) as error:
        add(owner, service, data)

    assert error.value.message_dict == {"file": [photos.too_big_message()]}
    assert "smaller than" in photos.too_big_message()
    assert_nothing_saved(settings)

    settings.CATALOGUE_PHOTO_MAX_BYTES = len(data)
    assert add(owner, service, data).image.file_size == len(data)


@pytest.fixture
def decoding(monkeypatch):
    """Records every time Pillow decodes pixel data."""
    calls = []
    original = ImageFile.ImageFile.load

    def load(self):
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def test_a_decompression_bomb_is_refused_without_decoding_it(settings, service, owner, decoding):
    bomb = png_bomb(30_000, 30_000)
    assert len(bomb) < 200_000  # 900 megapixels in a small file

    with pytest.raises(ValidationError) as error:
        add(owner, service, bomb)

    assert error.value.message_dict == {"file": [photos.too_many_pixels_message()]}
    assert decoding == []
    assert_nothing_saved(settings)


def test_a_picture_over_25_megapixels_is_refused_from_its_header(
    settings, service, owner, decoding
):
    # 30 megapixels: under Pillow's own bomb limit, so only our limit stops it.
    big = png_bomb(6_000, 5_000)
    assert len(big) < 100_000

    with pytest.raises(ValidationError) as error:
        add(owner, service, big)

    assert error.value.message_dict == {"file": [photos.too_many_pixels_message()]}
    assert decoding == []
    assert_nothing_saved(settings)


def test_pillows_bomb_warning_is_an_error(settings, service, owner, decoding):
    settings.CATALOGUE_PHOTO_MAX_PIXELS = 500_000_000  # leave it to Pillow's warning
    warned = png_bomb(10_000, 10_000)

    with pytest.raises(ValidationError) as error:
        add(owner, service, warned)

    assert "too large to process" in error.value.messages[0]
    assert decoding == []
    assert_nothing_saved(settings)


def test_an_eleventh_photo_is_refused(settings, service, owner):
    for number in range(photos.MAX_PHOTOS):
        add(owner, service, alt_text=f"Photo {number}")
    files = stored_files(settings)

    with pytest.raises(ValidationError) as error:
        add(owner, service, alt_text="One too many")

    assert error.value.message_dict == {"file": ["You can add up to 10 photos"]}
    assert service.photos.count() == 10
    assert Image.objects.count() == 10
    assert stored_files(settings) == files


@pytest.mark.parametrize(
    ("alt_text", "message"),
    [
        ("", "Describe what the photo shows"),
        ("   \n ", "Describe what the photo shows"),
        ("x" * 201, "The description must be 200 characters or fewer"),
    ],
)
def test_alt_text_is_required(settings, service, owner, alt_text, message):
    with pytest.raises(ValidationError) as error:
        add(owner, service, alt_text=alt_text)

    assert error.value.message_dict == {"alt_text": [message]}
    assert_nothing_saved(settings)


def test_every_problem_is_reported_at_once(settings, service, owner):
    with pytest.raises(ValidationError) as error:
        add(owner, service, b"not a photo", alt_text="")

    assert error.value.message_dict == {
        "alt_text": ["Describe what the photo shows"],
        "file": [photos.WRONG_FORMAT],
    }


def test_only_staff_of_the_organisation_add_photos(settings, service, outsider):
    with pytest.raises(PermissionDenied):
        add(outsider, service)
    with pytest.raises(PermissionDenied):
        add(make_user("someone@example.org"), service)
    assert_nothing_saved(settings)


def test_a_failure_after_the_file_is_stored_leaves_no_file(settings, service, owner, monkeypatch):
    def broken(self, *args, **kwargs):
        raise ValidationError({"alt_text": "Something went wrong"})

    monkeypatch.setattr(ServicePhoto, "full_clean", broken)

    with pytest.raises(ValidationError):
        add(owner, service)

    assert_nothing_saved(settings)


# --- photo_remove, photo_move --------------------------------------------------------------------


def test_removing_a_photo_deletes_its_image_and_file(
    settings, service, owner, editor, django_capture_on_commit_callbacks
):
    photo = add(owner, service)
    name = photo.image.file.name

    with django_capture_on_commit_callbacks(execute=True):
        photos.photo_remove(user=editor, photo=photo)

    assert_nothing_saved(settings)
    assert not Path(settings.MEDIA_ROOT, name).exists()
    change = service.changes.filter(note__startswith="Removed").get()
    assert change.user == editor


def test_only_staff_remove_photos(service, owner, outsider):
    photo = add(owner, service)

    with pytest.raises(PermissionDenied):
        photos.photo_remove(user=outsider, photo=photo)

    assert ServicePhoto.objects.filter(pk=photo.pk).exists()


def test_photos_can_be_moved(service, owner, outsider):
    a, b, c = (add(owner, service, alt_text=text) for text in "ABC")

    photos.photo_move(user=owner, photo=c, offset=-1)
    assert [p.alt_text for p in service.photos.all()] == ["A", "C", "B"]
    photos.photo_move(user=owner, photo=a, offset=-1)  # already first: stays
    assert [p.alt_text for p in service.photos.all()] == ["A", "C", "B"]
    photos.photo_reorder(user=owner, service=service, photo_ids=[b.pk, a.pk, c.pk])
    assert [p.alt_text for p in service.photos.all()] == ["B", "A", "C"]

    with pytest.raises(ValidationError):
        photos.photo_reorder(user=owner, service=service, photo_ids=[b.pk, a.pk])
    with pytest.raises(PermissionDenied):
        photos.photo_move(user=outsider, photo=a, offset=1)
    assert [p.alt_text for p in service.photos.all()] == ["B", "A", "C"]


# --- pages ---------------------------------------------------------------------------------------


def url(service):
    return f"/provider/services/{service.slug}/photos/"


def test_the_photos_page_shows_renditions_with_alt_text(client, home_page, service, owner):
    add(owner, service, image_bytes("JPEG", size=(900, 600)), alt_text="The sunny lounge")
    client.force_login(owner)

    page = soup(client.get(url(service)))

    assert page.h1.get_text(strip=True) == "Photos"
    images = page.select("main table img")
    assert len(images) == 1
    img = images[0]
    assert img["alt"] == "The sunny lounge"
    assert (img["width"], img["height"]) == ("300", "200")
    assert ".fill-300x200" in img["src"]
    rendition = service.photos.get().image.renditions.get()
    assert rendition.file.storage.exists(rendition.file.name)
    assert page.select_one("form[enctype='multipart/form-data'] input[type=file][name=file]")
    assert page.select_one("label[for=id_alt_text]").get_text(strip=True) == (
        "Describe what the photo shows"
    )
    assert page.select_one(f"a[href='{url(service)}{service.photos.get().pk}/delete/']")


def test_uploading_a_photo_on_the_page(client, home_page, service, editor):
    client.force_login(editor)

    response = client.post(
        url(service),
        {"file": upload(image_bytes("PNG"), "garden.png"), "alt_text": "The garden"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(service)
    page = soup(client.get(url(service)))
    assert "Photo added" in page.get_text()
    assert page.select_one("main table img")["alt"] == "The garden"


def test_a_refused_upload_shows_the_error_and_keeps_the_description(
    settings, client, home_page, service, owner
):
    client.force_login(owner)

    response = client.post(
        url(service), {"file": upload(b"plain text", "photo.jpg"), "alt_text": "The garden"}
    )

    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    assert photos.WRONG_FORMAT in summary.get_text()
    assert summary.select_one("a")["href"] == "#id_file"
    assert page.select_one("#id_file_error")
    assert page.select_one("#id_alt_text")["value"] == "The garden"
    assert_nothing_saved(settings)


def test_the_form_asks_for_a_file_and_a_description(client, home_page, service, owner):
    client.force_login(owner)

    page = soup(client.post(url(service), {"alt_text": ""}))

    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Select a photo" in summary
    assert "Describe what the photo shows" in summary


def test_a_full_listing_offers_no_upload_form(client, home_page, service, owner):
    for number in range(photos.MAX_PHOTOS):
        add(owner, service, alt_text=f"Photo {number}")
    client.force_login(owner)

    page = soup(client.get(url(service)))

    assert not page.select("input[type=file]")
    assert "the most a listing can have" in page.get_text()


def test_an_eleventh_photo_on_the_page_is_explained(client, home_page, service, owner):
    for number in range(photos.MAX_PHOTOS):
        add(owner, service, alt_text=f"Photo {number}")
    client.force_login(owner)

    response = client.post(url(service), {"file": upload(image_bytes()), "alt_text": "More"})

    page = soup(response)
    summary = page.select_one(".govuk-error-summary")
    assert "You can add up to 10 photos" in summary.get_text()
    assert page.select_one(summary.select_one("a")["href"])
    assert service.photos.count() == 10


def test_the_photos_page_does_a_bounded_number_of_queries(
    client, home_page, service, owner, django_assert_max_num_queries
):
    for number in range(photos.MAX_PHOTOS):
        add(owner, service, alt_text=f"Photo {number}")
    client.force_login(owner)
    client.get(url(service))  # renditions are made on the first view

    with django_assert_max_num_queries(15):
        response = client.get(url(service))

    assert len(soup(response).select("main table img")) == 10


def test_removing_a_photo_asks_first(client, home_page, service, owner):
    photo = add(owner, service, alt_text="The hallway")
    client.force_login(owner)
    delete_url = f"{url(service)}{photo.pk}/delete/"

    page = soup(client.get(delete_url))
    assert page.h1.get_text(strip=True) == "Are you sure you want to remove this photo?"
    assert page.select_one("main img")["alt"] == "The hallway"
    assert ServicePhoto.objects.exists()

    response = client.post(delete_url)
    assert response.status_code == 302
    assert not ServicePhoto.objects.exists()
    assert not Image.objects.exists()


def test_moving_a_photo_on_the_page(client, home_page, service, owner):
    first = add(owner, service, alt_text="First")
    second = add(owner, service, alt_text="Second")
    client.force_login(owner)

    page = soup(client.get(url(service)))
    buttons = page.select("button[name=direction]")
    assert [b["value"] for b in buttons] == ["later", "earlier"]

    client.post(f"{url(service)}{second.pk}/move/", {"direction": "earlier"})

    assert list(service.photos.all()) == [second, first]
    assert client.get(f"{url(service)}{second.pk}/move/").status_code == 405


def test_a_photo_of_another_service_is_not_found(client, home_page, service, owner):
    other = ServiceFactory(organisation=service.organisation)
    photo = add(owner, other)
    client.force_login(owner)

    assert client.post(f"{url(service)}{photo.pk}/delete/").status_code == 404
    assert ServicePhoto.objects.filter(pk=photo.pk).exists()


# --- permissions ---------------------------------------------------------------------------------

WHO = ["owner", "editor", "other provider staff", "member of the public", "anonymous"]


@pytest.fixture
def person(request, organisation):
    def make(who):
        if who == "owner":
            return make_provider(organisation)
        if who == "editor":
            return make_provider(organisation, Membership.Role.EDITOR)
        if who == "other provider staff":
            return make_provider(OrganisationFactory())
        if who == "member of the public":
            return make_user()
        return None

    return make


def state(service):
    return (
        sorted(service.photos.values_list("pk", "sort_order")),
        Image.objects.count(),
        service.changes.count(),
    )


def check_access(client, who, response, before, after, allowed_status=302):
    if who in ("owner", "editor"):
        assert response.status_code == allowed_status
        assert after != before
    else:
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/?next=")
        else:
            assert response.status_code == 403
            assert "You cannot see this page" in response.content.decode()
        assert after == before


@pytest.mark.parametrize("who", WHO)
def test_who_may_add_a_photo(client, home_page, service, person, who):
    user = person(who)
    if user:
        client.force_login(user)
    before = state(service)

    response = client.post(url(service), {"file": upload(image_bytes()), "alt_text": "A room"})

    check_access(client, who, response, before, state(service))


@pytest.mark.parametrize("who", WHO)
def test_who_may_remove_a_photo(client, home_page, service, person, who):
    photo = add(make_provider(service.organisation), service)
    user = person(who)
    if user:
        client.force_login(user)
    before = state(service)

    response = client.post(f"{url(service)}{photo.pk}/delete/")

    check_access(client, who, response, before, state(service))


@pytest.mark.parametrize("who", WHO)
def test_who_may_move_a_photo(client, home_page, service, person, who):
    staff = make_provider(service.organisation)
    add(staff, service, alt_text="A")
    photo = add(staff, service, alt_text="B")
    user = person(who)
    if user:
        client.force_login(user)
    before = state(service)

    response = client.post(f"{url(service)}{photo.pk}/move/", {"direction": "earlier"})

    check_access(client, who, response, before, state(service))


@pytest.mark.parametrize("who", WHO)
def test_who_may_see_the_photo_pages(client, home_page, service, person, who):
    photo = add(make_provider(service.organisation), service)
    user = person(who)
    if user:
        client.force_login(user)

    for page_url in (url(service), f"{url(service)}{photo.pk}/delete/"):
        response = client.get(page_url)
        if who in ("owner", "editor"):
            assert response.status_code == 200
        elif who == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next=")
        else:
            assert response.status_code == 403
