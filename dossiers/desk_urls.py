"""Pages of the one-stop desk, mounted at /mot-cua/ under the `desk` namespace."""

from django.urls import path

from dossiers.views import counter, desk

urlpatterns = [
    path("", desk.queue, name="queue"),
    path("hang-loat/", desk.bulk, name="bulk"),
    path("tiep-nhan/", desk.intake, name="intake"),
    path("so-theo-doi/", desk.tracking_book, name="tracking_book"),
    path("so-theo-doi.pdf", desk.tracking_book, {"fmt": "pdf"}, name="tracking_book_pdf"),
    path("ho-so/<str:code>/", desk.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", desk.dossier_action, name="action"),
    path("ho-so/<str:code>/giay-to/<int:pk>/", desk.document_file, name="document"),
    path("ho-so/<str:code>/in/<slug:kind>/", desk.print_document, name="print"),
    path("ho-so/<str:code>/in/<slug:kind>.pdf", desk.print_document, {"fmt": "pdf"}, name="print_pdf"),
]

# The counter (issue 19): an officer's counter and the queue measures.
urlpatterns += [
    path("quay/", counter.counter_list, name="counters"),
    path("quay/so-lieu/", counter.counter_measures, name="counter_measures"),
    path("quay/danh-gia-truc-tiep/", counter.ratings_live, name="counter_ratings_live"),
    path("quay/danh-gia-truc-tiep/so-lieu/", counter.ratings_live_rows, name="counter_ratings_live_rows"),
    path("quay/<int:pk>/", counter.counter_page, name="counter"),
    path("quay/<int:pk>/goi-tiep/", counter.counter_call, name="counter_call"),
    path("quay/<int:pk>/thao-tac/<slug:action>/", counter.counter_action, name="counter_action"),
]
