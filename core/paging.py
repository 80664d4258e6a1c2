from django.core.paginator import Paginator


def paginate(request, queryset, *, per_page: int = 50):
    """A page of a web list; bad or out-of-range page numbers show the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
