"""Supporting documents: the one place that checks, names, stores, removes and carries forward the files an
officer attaches to a plan or a funded project.

A file is accepted only when its name ends with an allowed extension AND its content is that kind of file
(a renamed program or web page is refused), it is not empty and not larger than `DOCUMENT_MAX_BYTES`. Its name
is made safe (no folders, control characters or characters Windows refuses) and it is stored through Django's
storage API under a random folder. Documents belong to the plan's version: they can be added or removed only
while the plan is editable, and a variation starts with the earlier version's documents, sharing the stored
file (a file is deleted from storage only when no version refers to it any more).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import FundedProject, SpendingPlan, SupportingDocument

# --- what may be attached -------------------------------------------------------------------------------------


def _zip_names(content: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return set()


def _ooxml(part: str) -> Callable[[bytes], bool]:
    """Word (.docx) and Excel (.xlsx) files are zip packages holding `[Content_Types].xml` and their main part."""
    return lambda content: content.startswith(b"PK\x03\x04") and {"[Content_Types].xml", part} <= _zip_names(content)


def _odf(mimetype: str) -> Callable[[bytes], bool]:
    """OpenDocument files are zip packages whose first entry, `mimetype`, names the kind of document."""

    def sniff(content: bytes) -> bool:
        if not content.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return archive.read("mimetype").strip() == mimetype.encode()
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            return False

    return sniff


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole2(*streams: str) -> Callable[[bytes], bool]:
    """Word 97-2003 (.doc) and Excel 97-2003 (.xls) files are OLE2 compound files naming their main stream."""
    names = [stream.encode("utf-16-le") for stream in streams]
    return lambda content: content.startswith(_OLE2) and any(name in content for name in names)


def _csv(content: bytes) -> bool:
    """Text, not a binary file: no NUL bytes, readable as UTF-8 or Windows-1252 (what Excel saves)."""
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            content.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    sniff: Callable[[bytes], bool]


_WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED: dict[str, FileKind] = {
    "pdf": FileKind("PDF", "application/pdf", lambda c: c.startswith(b"%PDF-")),
    "docx": FileKind("Word document", _WORD, _ooxml("word/document.xml")),
    "doc": FileKind("Word document", "application/msword", _ole2("WordDocument")),
    "xlsx": FileKind("Excel spreadsheet", _EXCEL, _ooxml("xl/workbook.xml")),
    "xls": FileKind("Excel spreadsheet", "application/vnd.ms-excel", _ole2("Workbook", "Book")),
    "odt": FileKind("OpenDocument text", "application/vnd.oasis.opendocument.text", _odf(
        "application/vnd.oasis.opendocument.text")),
    "ods": FileKind("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", _odf(
        "application/vnd.oasis.opendocument.spreadsheet")),
    "csv": FileKind("CSV", "text/csv", _csv),
    "png": FileKind("PNG image", "image/png", lambda c: c.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": FileKind("JPEG image", "image/jpeg", lambda c: c.startswith(b"\xff\xd8\xff")),
    "jpeg": FileKind("JPEG image", "image/jpeg", lambda c: c.startswith(b"\xff\xd8\xff")),
}  # fmt: skip
ALLOWED_TYPES_TEXT = "a PDF, Word document, Excel spreadsheet, OpenDocument text or spreadsheet, CSV, PNG or JPEG"
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED)  # for the file input's `accept`


def kind_of(content_type: str) -> str:
    """`PDF`, `Word document`: what a stored document is, in words."""
    return next((kind.label for kind in ALLOWED.values() if kind.content_type == content_type), "File")


def max_size_text() -> str:
    megabytes = settings.DOCUMENT_MAX_BYTES / (1024 * 1024)
    return f"{megabytes:g} MB"


_UNSAFE = re.compile(r'[<>:"/\\|?*]')


def safe_name(raw: str) -> str:
    """The file's own name without any folder, control or invisible formatting characters (such as the
    right-to-left override that makes `exe.pdf` look like `fdp.exe`), or characters Windows refuses; at most 150
    characters before a lower-case extension."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(_UNSAFE.sub("", name).split())
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem, extension = stem.strip(" .")[:150] or "document", extension.strip().lower()
    return f"{stem}.{extension}" if extension else stem


def check_file(upload) -> tuple[str, FileKind]:
    """The file's safe name and kind, or ValidationError({"file": …}) in the GOV.UK file upload pattern's words."""
    if upload is None:
        raise ValidationError({"file": "Select a file"})
    name = safe_name(upload.name or "")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    kind = ALLOWED.get(extension)
    if kind is None:
        raise ValidationError({"file": f"The selected file must be {ALLOWED_TYPES_TEXT}"})
    if upload.size == 0:
        raise ValidationError({"file": "The selected file is empty"})
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": f"The selected file must be smaller than {max_size_text()}"})
    upload.seek(0)
    content = upload.read(settings.DOCUMENT_MAX_BYTES + 1)
    upload.seek(0)
    if not kind.sniff(content):
        raise ValidationError(
            {
                "file": f"The selected file is called .{extension} but is not a {kind.label}: save it again as a "
                f"{kind.label}, or choose another file"
            }
        )
    return name, kind


# --- adding, removing and carrying forward --------------------------------------------------------------------


def _refuse_unless_editable(plan: SpendingPlan, by) -> None:
    if not rules.test_rule("grants.edit_plan", by, plan):
        if plan.is_editable:
            raise ValidationError(f"Only {plan.partnership}'s CSP officers can add or remove its documents.")
        raise ValidationError(plan.frozen_message, code="frozen")


@transaction.atomic
def document_add(
    *, plan: SpendingPlan, by, upload, project: FundedProject | None = None, description: str = ""
) -> SupportingDocument:
    """Checks and stores one file for the plan (or one of its funded projects) while the plan is editable."""
    locked = SpendingPlan.objects.select_for_update(of=("self",)).select_related("award__partnership").get(pk=plan.pk)
    _refuse_unless_editable(locked, by)
    if project is not None and project.plan_id != locked.pk:
        raise ValidationError({"project": "Choose one of this plan's funded projects, or the plan as a whole."})
    name, kind = check_file(upload)
    document = SupportingDocument(
        plan=locked,
        project=project,
        name=name,
        content_type=kind.content_type,
        size=upload.size,
        description=description.strip(),
        uploaded_by=by,
        uploaded_by_name=by.display_name,
    )
    document.file.save(name, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_remove(*, document: SupportingDocument, by) -> None:
    """Takes a document off the plan while it is editable. The stored file goes once no version refers to it
    (grants/signals.py), after the commit."""
    locked = (
        SpendingPlan.objects.select_for_update(of=("self",))
        .select_related("award__partnership")
        .get(pk=document.plan_id)
    )
    _refuse_unless_editable(locked, by)
    document.delete()


def documents_carry_forward(*, source: SpendingPlan, target: SpendingPlan) -> int:
    """A variation starts with the earlier version's documents: new rows sharing the same stored files, each on
    the new version's copy of its funded project (matched by `line_id`). Returns how many."""
    projects = {project.line_id: project for project in target.projects.all()}
    count = 0
    for document in source.documents.select_related("project"):
        SupportingDocument.objects.create(
            plan=target,
            project=projects.get(document.project.line_id) if document.project else None,
            name=document.name,
            file=document.file.name,
            content_type=document.content_type,
            size=document.size,
            description=document.description,
            uploaded_by=document.uploaded_by,
            uploaded_by_name=document.uploaded_by_name,
            uploaded_at=document.uploaded_at,
            carried_from=document,
        )
        count += 1
    return count


def forget_stored_file(name: str, storage) -> None:
    """Deletes a stored file once no document row refers to it (a variation shares its predecessor's files)."""
    if name and not SupportingDocument.objects.filter(file=name).exists():
        storage.delete(name)
