"""Public pages, no sign-in: the grants each force area's funder has made, as the Elected Local Policing Bodies
(Specified Information) Order 2011 requires them to be published, and the same data in the 360Giving Data
Standard: one file per funder body (a PCC's grants, then a mayor's), offered only when it holds grants."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from grants.documents.rendering import release_subject
from grants.models import RenderedDocument
from grants.services.threesixty import (
    NothingPublished,
    release_for,
    release_heads,
    releases,
    threesixty_everything_json,
)
from partnerships.models import ForceArea

from .rendered import rendered_download


def threesixty_download(request, force_area: ForceArea, fmt: str) -> HttpResponse:
    """The 360Giving file of the funder asked for (`?funder=`), or of the newest, made in the task queue and kept
    until the published grants change (grants/documents/rendering.py); when nothing is published, a page saying
    so (404), never an empty file. Only the releases' funders are read here (`release_heads`), not their grants:
    the task reads those when it makes the file."""
    found = release_heads(force_area=force_area)
    try:
        release = release_for(force_area=force_area, funder=request.GET.get("funder"), found=found)
    except NothingPublished as nothing:
        return TemplateResponse(
            request, "public/nothing_published.html", {"area": force_area, "message": str(nothing)}, status=404
        )
    suffix = f"-{release.key}" if len(found) > 1 else ""
    return rendered_download(
        request,
        kind=RenderedDocument.Kind.THREESIXTY,
        fmt=fmt,
        subject=release_subject(force_area, release.key),
        filename=f"360giving-{force_area.slug}{suffix}.{fmt}",
        title=f"the 360Giving file of the grants made by {release.funder.name}",
    )


@method_decorator(login_not_required, name="dispatch")
class PublishedIndexView(TemplateView):
    template_name = "public/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(areas=ForceArea.objects.prefetch_related("funder_bodies"), **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PublishedGrantsView(TemplateView):
    """Each crime and disorder reduction grant the area's funder has made: recipient, amount, purpose,
    conditions, by funder body and year."""

    template_name = "public/grants.html"

    def get_context_data(self, **kwargs):
        kwargs.pop("area", None)
        area = get_object_or_404(ForceArea, slug=self.kwargs["area"])
        found = releases(force_area=area)
        return super().get_context_data(area=area, releases=found, count=sum(len(r.items) for r in found), **kwargs)


@login_not_required
def published_threesixty(request, area, fmt):
    return threesixty_download(request, get_object_or_404(ForceArea, slug=area), fmt)


@login_not_required
def published_threesixty_everything(request):
    """Every force area's published grants in one 360Giving JSON file, streamed as it is read (constant memory, a
    fixed number of queries: `threesixty_everything_json`). The same public data as the areas' own files."""
    response = StreamingHttpResponse(threesixty_everything_json(), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="360giving-all-force-areas.json"'
    return response
