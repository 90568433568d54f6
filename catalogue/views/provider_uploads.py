"""Provider pages for files: a listing's photos, and uploading many services from a CSV file.

Objects and permission come from catalogue.views.common (staff of the organisation only); every
write goes through catalogue.photos or catalogue.bulk_upload.

Between the preview of an upload and its confirmation, the checked rows wait in the person's
session (server-side, and signed by Django's session serialiser) under a random token that the
preview's confirm button carries back. We chose this over asking for the file again (people
pick the wrong file, or a newer copy) and over a signed hidden field (a 1 MB upload would make a
page of that size). The session copy is never trusted as valid: services_bulk_import() checks
every row again against the catalogue as it is at that moment, and the copy is dropped once
imported, so a second click on "Create" cannot import the same services twice.
"""

import secrets
import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from wagtail.images import get_image_model

from catalogue import bulk_upload, photos
from catalogue.models import Category, ClientGroup, FundingType, Service, ServicePhoto, Unit
from catalogue.views.common import organisation_for_staff, service_for_staff

PHOTO_RENDITION = "fill-300x200"
UPLOAD_SESSION_KEY = "catalogue-upload-{pk}"
DONE_SESSION_KEY = "catalogue-upload-done-{pk}"
UPLOAD_KEEP_SECONDS = 2 * 60 * 60
ERRORS_IN_SUMMARY = 10
ALREADY_CREATED = (
    "These services have already been created from your file: you clicked Create twice. "
    "Nothing was created twice."
)


# --- photos --------------------------------------------------------------------------------------


class PhotoForm(forms.Form):
    file = forms.FileField(
        label="Photo",
        help_text="A JPG, PNG or WebP photo, smaller than 5 MB.",
        error_messages={
            "required": "Select a photo",
            "empty": photos.EMPTY,
            "invalid": photos.WRONG_FORMAT,
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt_text = forms.CharField(
        label="Describe what the photo shows",
        help_text="For people who cannot see it, like 'The garden, with raised flower beds'.",
        max_length=200,
        error_messages={
            "required": photos.ALT_REQUIRED,
            "max_length": "The description must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"A JPG, PNG or WebP photo, smaller than {photos.describe_size(photos.max_bytes())}."
        )


def _photos_of(service: Service):
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=PHOTO_RENDITION)
    return service.photos.select_related("image").prefetch_related(
        Prefetch("image__renditions", queryset=renditions)
    )


@login_required
def service_photos(request, slug):
    """The listing's photos in the order they are shown, and a form to add one."""
    service = service_for_staff(request, slug)
    form = PhotoForm()
    if request.method == "POST":
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                photos.photo_add(
                    user=request.user,
                    service=service,
                    file=form.cleaned_data["file"],
                    alt_text=form.cleaned_data["alt_text"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Photo added")
                return redirect("catalogue:service_photos", slug=service.slug)
    service_photos = list(_photos_of(service))
    return render(
        request,
        "catalogue/provider/photos.html",
        {
            "service": service,
            "organisation": service.organisation,
            "photos": service_photos,
            "form": form,
            # A refused upload keeps its form, so the error summary's links have a target.
            "can_add": len(service_photos) < photos.MAX_PHOTOS or form.is_bound,
            "max_photos": photos.MAX_PHOTOS,
        },
    )


def _photo_for_staff(request, slug: str, photo_id: int) -> ServicePhoto:
    service = service_for_staff(request, slug)
    return get_object_or_404(
        ServicePhoto.objects.select_related("image", "service__organisation"),
        pk=photo_id,
        service=service,
    )


@login_required
def service_photo_delete(request, slug, photo_id):
    """Ask, then remove a photo."""
    photo = _photo_for_staff(request, slug, photo_id)
    service = photo.service
    if request.method == "POST":
        photos.photo_remove(user=request.user, photo=photo)
        messages.success(request, "Photo removed")
        return redirect("catalogue:service_photos", slug=service.slug)
    return render(
        request,
        "catalogue/provider/photo_delete.html",
        {"service": service, "organisation": service.organisation, "photo": photo},
    )


@login_required
@require_POST
def service_photo_move(request, slug, photo_id):
    """Move a photo one place earlier or later (buttons on the photos page)."""
    photo = _photo_for_staff(request, slug, photo_id)
    offset = {"earlier": -1, "later": 1}.get(request.POST.get("direction", ""))
    if offset is not None:
        try:
            photos.photo_move(user=request.user, photo=photo, offset=offset)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("catalogue:service_photos", slug=photo.service.slug)


# --- bulk upload ---------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"Smaller than {photos.describe_size(bulk_upload.max_bytes())}, "
            f"with up to {bulk_upload.max_rows():,} rows."
        )

    def clean_file(self):
        """The file's rows, or the reason the file cannot be read."""
        upload = self.cleaned_data["file"]
        limit = bulk_upload.max_bytes()
        if upload.size > limit:
            raise ValidationError(f"The file must be smaller than {photos.describe_size(limit)}")
        try:
            return bulk_upload.read_csv(upload.read(limit + 1))
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None


def _upload_context(organisation, **extra):
    return {
        "organisation": organisation,
        "columns": bulk_upload.COLUMNS,
        "categories": Category.objects.select_related("parent").order_by(
            "parent__sort_order", "parent__name", "sort_order", "name"
        ),
        "client_groups": ClientGroup.objects.all(),
        "funding_types": FundingType.objects.all(),
        "units": Unit.choices,
        "max_rows": bulk_upload.max_rows(),
        **extra,
    }


def _report_context(report):
    return {
        "report": report,
        "summary_errors": report.errors[:ERRORS_IN_SUMMARY],
        "more_errors": max(0, len(report.errors) - ERRORS_IN_SUMMARY),
    }


@login_required
def service_upload(request, slug):
    """Explain the columns, take a file, and check every row before anything is saved."""
    organisation = organisation_for_staff(request, slug)
    form = UploadForm()
    if request.method == "POST":
        # A new file replaces any upload waiting to be confirmed, good or bad.
        request.session.pop(UPLOAD_SESSION_KEY.format(pk=organisation.pk), None)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            rows = form.cleaned_data["file"]
            report = bulk_upload.validate_rows(organisation=organisation, rows=rows)
            if not report.ok:
                return render(
                    request,
                    "catalogue/provider/upload_preview.html",
                    {
                        **_upload_context(organisation, form=UploadForm()),
                        **_report_context(report),
                        "filename": request.FILES["file"].name,
                    },
                )
            request.session[UPLOAD_SESSION_KEY.format(pk=organisation.pk)] = {
                "token": secrets.token_urlsafe(16),
                "filename": request.FILES["file"].name[:200],
                "saved_at": time.time(),
                "rows": [row.to_json() for row in rows],
            }
            return redirect("catalogue:service_upload_preview", slug=organisation.slug)
    return render(
        request, "catalogue/provider/upload.html", _upload_context(organisation, form=form)
    )


def _pending_upload(request, organisation):
    pending = request.session.get(UPLOAD_SESSION_KEY.format(pk=organisation.pk))
    if not pending or time.time() - pending.get("saved_at", 0) > UPLOAD_KEEP_SECONDS:
        return None
    return pending


@login_required
def service_upload_preview(request, slug):
    """What the upload will create; confirming creates it all (or, if the catalogue changed
    meanwhile and a row no longer passes, nothing, and the problems are shown)."""
    organisation = organisation_for_staff(request, slug)
    pending = _pending_upload(request, organisation)
    done = request.session.get(DONE_SESSION_KEY.format(pk=organisation.pk)) or {}
    clicked_again = done.get("token") and request.POST.get("token") == done["token"]
    if pending is None and request.method == "POST" and clicked_again:
        messages.info(request, ALREADY_CREATED)
        return redirect("catalogue:service_upload_done", slug=organisation.slug)
    if pending is None:
        messages.info(
            request, "Upload your file again: it has already been used, or it was too long ago."
        )
        return redirect("catalogue:service_upload", slug=organisation.slug)
    rows = [bulk_upload.UploadRow.from_json(row) for row in pending["rows"]]
    if request.method == "POST":
        if request.POST.get("token") != pending["token"]:
            messages.info(request, "You uploaded another file since. Check this one, then confirm.")
            return redirect("catalogue:service_upload_preview", slug=organisation.slug)
        try:
            result = bulk_upload.services_bulk_import(
                user=request.user, organisation=organisation, rows=rows, token=pending["token"]
            )
        except bulk_upload.UploadAlreadyImported:
            # The first click is saving (or saved) them; this request's copy of the session
            # is older than that, so it is left alone and the services page, read from the
            # database, shows what was created.
            messages.info(request, ALREADY_CREATED)
            return redirect("catalogue:dashboard")
        except bulk_upload.UploadRejected as rejected:
            report = rejected.report
        else:
            del request.session[UPLOAD_SESSION_KEY.format(pk=organisation.pk)]
            request.session[DONE_SESSION_KEY.format(pk=organisation.pk)] = {
                "services": [service.pk for service in result.services],
                "prices": result.price_count,
                "filename": pending["filename"],
                "token": pending["token"],
            }
            return redirect("catalogue:service_upload_done", slug=organisation.slug)
    else:
        report = bulk_upload.validate_rows(organisation=organisation, rows=rows)
    return render(
        request,
        "catalogue/provider/upload_preview.html",
        {
            **_upload_context(organisation, form=UploadForm()),
            **_report_context(report),
            "filename": pending["filename"],
            "token": pending["token"],
        },
    )


@login_required
def service_upload_done(request, slug):
    """What was created, with links to check and submit each service."""
    organisation = organisation_for_staff(request, slug)
    done = request.session.get(DONE_SESSION_KEY.format(pk=organisation.pk))
    if not done:
        return redirect("catalogue:service_upload", slug=organisation.slug)
    services = (
        organisation.services.filter(pk__in=done["services"])
        .prefetch_related(Prefetch("categories", Category.objects.select_related("parent")))
        .order_by("name")
    )
    return render(
        request,
        "catalogue/provider/upload_done.html",
        {
            "organisation": organisation,
            "services": services,
            "service_count": len(done["services"]),
            "price_count": done["prices"],
            "filename": done["filename"],
        },
    )


@login_required
def service_upload_template(request, slug):
    """The column names and an example row, as a CSV file to fill in."""
    organisation = organisation_for_staff(request, slug)
    response = HttpResponse(
        "\ufeff" + bulk_upload.template_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{organisation.slug}-services-template.csv"'
    )
    return response


urlpatterns = [
    path("provider/services/<slug:slug>/photos/", service_photos, name="service_photos"),
    path(
        "provider/services/<slug:slug>/photos/<int:photo_id>/delete/",
        service_photo_delete,
        name="service_photo_delete",
    ),
    path(
        "provider/services/<slug:slug>/photos/<int:photo_id>/move/",
        service_photo_move,
        name="service_photo_move",
    ),
    path(
        "provider/organisations/<slug:slug>/services/upload/",
        service_upload,
        name="service_upload",
    ),
    path(
        "provider/organisations/<slug:slug>/services/upload/template.csv",
        service_upload_template,
        name="service_upload_template",
    ),
    path(
        "provider/organisations/<slug:slug>/services/upload/preview/",
        service_upload_preview,
        name="service_upload_preview",
    ),
    path(
        "provider/organisations/<slug:slug>/services/upload/done/",
        service_upload_done,
        name="service_upload_done",
    ),
]
