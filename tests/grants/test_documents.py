"""Issue 9: supporting documents attached to a plan or a funded project. Allowed types checked by extension and
by content, a size limit, safe names, storage through Django's storage API, downloads only through a view that
checks the plan may be seen, and documents frozen with the version (carried forward by a variation)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import SupportingDocument
from grants.services.attachments import check_file, document_add, document_remove, safe_name
from grants.services.variations import plan_vary
from tests.workflow import drive

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    return tmp_path


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _docx() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _image(kind: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, kind)
    return buffer.getvalue()


def _ole2(stream: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64


def documents_url(plan):
    return reverse("grants:plan-edit-documents", args=[plan.pk])


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Trauma Informed Evaluation Form.docx", _docx, "Word document"),
        ("OPCC funding proposal.pdf", lambda: PDF, "PDF"),
        ("returns.xlsx", _xlsx, "Excel spreadsheet"),
        ("note.odt", lambda: _odf("application/vnd.oasis.opendocument.text"), "OpenDocument text"),
        ("figures.ods", lambda: _odf("application/vnd.oasis.opendocument.spreadsheet"), "OpenDocument spreadsheet"),
        ("figures.csv", lambda: "Area,Amount\nPlymouth,£400,568\n".encode(), "CSV"),
        ("chart.PNG", lambda: _image("PNG"), "PNG image"),
        ("photo.jpg", lambda: _image("JPEG"), "JPEG image"),
        ("old form.doc", lambda: _ole2("WordDocument"), "Word document"),
        ("old sheet.xls", lambda: _ole2("Workbook"), "Excel spreadsheet"),
    ],
)
def test_the_allowed_kinds_of_file_are_recognised_by_their_content(name, content, kind):
    _, found = check_file(upload(name, content()))
    assert found.label == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "The selected file must be a PDF, Word document, Excel spreadsheet"),
        ("page.html", b"<html></html>", "The selected file must be a PDF"),
        ("no extension", PDF, "The selected file must be a PDF"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "is called .pdf but is not a PDF"),
        ("report.docx", PDF, "is called .docx but is not a Word document"),
        ("sheet.xlsx", _odf("application/vnd.oasis.opendocument.spreadsheet"), "is not a Excel spreadsheet"),
        ("form.doc", _ole2("Workbook"), "is called .doc but is not a Word document"),
        ("data.csv", b"\x00\x01\x02binary", "is called .csv but is not a CSV"),
        ("photo.jpeg", _image("PNG"), "is called .jpeg but is not a JPEG image"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_wrong_kinds_of_file_are_refused(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_file(upload(name, content))
    assert message in error.value.message_dict["file"][0]


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\alex\\Trauma Informed Evaluation Form.DOCX", "Trauma Informed Evaluation Form.docx"),
        ("invoice\u202egpj.pdf", "invoicegpj.pdf"),  # the right-to-left override would show "invoicefdp.jpg"
        ('bad<>:"|?*name.pdf', "badname.pdf"),
        ("  .hidden.pdf ", "hidden.pdf"),
        ("x" * 300 + ".pdf", "x" * 150 + ".pdf"),
        (".pdf", "document.pdf"),
    ],
)
def test_names_are_made_safe(raw, safe):
    assert safe_name(raw) == safe


def test_the_officer_attaches_a_document_to_a_funded_project_and_everyone_who_sees_the_plan_can_download_it(
    client, demo_user, plymouth_plan, media
):
    client.force_login(demo_user("officer.plymouth"))
    page = client.get(reverse("grants:plan-edit", args=[plymouth_plan.pk])).content.decode()
    assert "Supporting documents" in page and documents_url(plymouth_plan) in page
    assert client.get(documents_url(plymouth_plan)).status_code == 200
    line = plymouth_plan.projects.get(number=4)
    response = client.post(
        documents_url(plymouth_plan),
        {
            "file": upload("../Trauma Informed Evaluation Form.docx", _docx()),
            "project": line.pk,
            "description": "Evaluation form for the training",
        },
        follow=True,
    )
    assert "Trauma Informed Evaluation Form.docx has been added to the plan." in response.content.decode()
    document = SupportingDocument.objects.get()
    assert (document.project, document.name, document.uploaded_by_name) == (
        line,
        "Trauma Informed Evaluation Form.docx",
        "Alex Morgan",
    )
    assert document.file.name.startswith(f"supporting-documents/{plymouth_plan.award_id}/")
    assert (media / document.file.name).exists() and default_storage.exists(document.file.name)

    plan_page = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert document.get_absolute_url() in plan_page
    assert "Funded project 4: Workforce development and communication" in plan_page

    for username in ("officer.plymouth", "board.plymouth", "opcc.devon", "treasurer.devon"):
        client.force_login(demo_user(username))
        response = client.get(document.get_absolute_url())
        assert response.status_code == 200, username
        assert response["Content-Disposition"] == 'attachment; filename="Trauma Informed Evaluation Form.docx"'
        assert response["Content-Type"] == document.content_type
        assert b"".join(response.streaming_content) == (media / document.file.name).read_bytes()


def test_another_partnership_or_force_area_cannot_download_and_nobody_signed_out(client, demo_user, plymouth_plan):
    document = document_add(plan=plymouth_plan, by=demo_user("officer.plymouth"), upload=upload("a.pdf", PDF))
    for username in ("officer.southglos", "board.southglos", "opcc.avon", "pcc.avon"):
        client.force_login(demo_user(username))
        assert client.get(document.get_absolute_url()).status_code == 404, username
    client.logout()
    response = client.get(document.get_absolute_url())
    assert response.status_code == 302 and "/sign-in/" in response.url


def test_a_document_of_another_plan_is_not_found_under_this_one(client, demo_user, plymouth_plan, southglos_plan):
    document = document_add(plan=plymouth_plan, by=demo_user("officer.plymouth"), upload=upload("a.pdf", PDF))
    client.force_login(demo_user("officer.southglos"))
    url = reverse("grants:document-download", args=[southglos_plan.pk, document.pk])
    assert client.get(url).status_code == 404


def test_a_wrong_type_of_file_is_refused_on_the_page(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = client.post(documents_url(plymouth_plan), {"file": upload("report.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content and "is called .pdf but is not a PDF" in content
    assert not SupportingDocument.objects.exists()


def test_an_oversize_file_is_refused_on_the_page(client, demo_user, plymouth_plan, settings, media):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    client.force_login(demo_user("officer.plymouth"))
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(documents_url(plymouth_plan), {"file": upload("big.pdf", big)})
    assert response.status_code == 200
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert not SupportingDocument.objects.exists() and not any(media.rglob("*.pdf"))


def test_no_file_chosen_is_refused(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = client.post(documents_url(plymouth_plan), {})
    assert response.status_code == 200 and "Select a file" in response.content.decode()


@pytest.mark.parametrize("username", ["board.plymouth", "opcc.devon"])
def test_only_the_partnerships_officers_add_documents(client, demo_user, plymouth_plan, username):
    client.force_login(demo_user(username))
    assert client.get(documents_url(plymouth_plan)).status_code == 403
    assert client.post(documents_url(plymouth_plan), {"file": upload("a.pdf", PDF)}).status_code == 403
    with pytest.raises(ValidationError):
        document_add(plan=plymouth_plan, by=demo_user(username), upload=upload("a.pdf", PDF))
    assert not SupportingDocument.objects.exists()


def test_documents_are_frozen_once_the_plan_is_submitted(client, demo_user, plymouth_plan):
    officer = demo_user("officer.plymouth")
    document = document_add(plan=plymouth_plan, by=officer, upload=upload("a.pdf", PDF))
    drive(plymouth_plan, demo_user, until="agree")
    client.force_login(officer)
    assert client.get(documents_url(plymouth_plan)).status_code == 403
    assert client.post(documents_url(plymouth_plan), {"file": upload("b.pdf", PDF)}).status_code == 403
    remove = reverse("grants:document-remove", args=[plymouth_plan.pk, document.pk])
    assert client.post(remove).status_code == 403
    with pytest.raises(ValidationError, match="with its reviewers"):
        document_add(plan=plymouth_plan, by=officer, upload=upload("b.pdf", PDF))
    with pytest.raises(ValidationError, match="with its reviewers"):
        document.delete()
    assert SupportingDocument.objects.count() == 1
    # Still shown, and downloadable, while it is reviewed.
    assert client.get(document.get_absolute_url()).status_code == 200


def test_removing_a_document_from_a_draft_deletes_its_file_after_the_commit(
    client, demo_user, plymouth_plan, django_capture_on_commit_callbacks
):
    document = document_add(plan=plymouth_plan, by=demo_user("officer.plymouth"), upload=upload("a.pdf", PDF))
    name = document.file.name
    client.force_login(demo_user("officer.plymouth"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:document-remove", args=[plymouth_plan.pk, document.pk]), follow=True)
    assert "a.pdf has been removed from the plan." in response.content.decode()
    assert not SupportingDocument.objects.exists() and not default_storage.exists(name)


def test_a_variation_carries_the_documents_forward_sharing_the_stored_files(
    demo_user, plymouth_plan, django_capture_on_commit_callbacks
):
    officer = demo_user("officer.plymouth")
    line = plymouth_plan.projects.get(number=4)
    first = document_add(plan=plymouth_plan, by=officer, upload=upload("form.docx", _docx()), project=line)
    document_add(plan=plymouth_plan, by=officer, upload=upload("plan.pdf", PDF))
    drive(plymouth_plan, demo_user)
    variation, _ = plan_vary(plan=plymouth_plan, by=officer)
    carried = {d.name: d for d in variation.documents.select_related("project")}
    assert set(carried) == {"form.docx", "plan.pdf"}
    assert carried["form.docx"].project.line_id == line.line_id and carried["form.docx"].project.plan == variation
    assert carried["form.docx"].file.name == first.file.name and carried["form.docx"].carried_from == first
    assert carried["plan.pdf"].project is None
    # Removing it from the variation leaves version 1's document, and its file, as they were.
    with django_capture_on_commit_callbacks(execute=True):
        document_remove(document=carried["form.docx"], by=officer)
    assert default_storage.exists(first.file.name) and plymouth_plan.documents.count() == 2


def test_production_keeps_documents_in_a_private_s3_compatible_bucket_when_one_is_configured():
    """Read in a fresh interpreter, as a deployment would: the environment decides the storage at start-up."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages;"
        "s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.default_acl, s.endpoint_url, s.querystring_auth, s.file_overwrite)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "grants.example.org",
        "DOCUMENTS_S3_BUCKET": "csp-grants-documents",
        "DOCUMENTS_S3_ENDPOINT_URL": "https://s3.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "S3Storage",
        "csp-grants-documents",
        "private",
        "https://s3.example.org",
        "True",
        "False",
    ]
