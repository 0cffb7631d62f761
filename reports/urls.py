"""HTML pages."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("thong-ke/", views.dashboard, name="dashboard"),
    path("thong-ke/ho-so/", views.dossier_list, name="dossiers"),
    path("thong-ke/phieu/", views.ticket_list, name="tickets"),
    path("thong-ke/xuat/", views.export, name="export"),
    path("thong-ke/chi-tieu/", views.targets, name="targets"),
    path("thong-ke/chi-tieu/<int:pk>/xoa/", views.target_delete, name="target-delete"),
    path("thong-ke/tinh-lai/", views.recompute, name="recompute"),
    path("thong-ke/tac-vu/<str:task_id>/", views.task_status, name="task"),
    path("thong-ke/cong-bo/", views.publish, name="publish"),
    path("thong-ke/bao-cao/", views.report_create, name="report-create"),
    path("thong-ke/bao-cao/<int:pk>/", views.report_view, name="report"),
    path("thong-ke/bao-cao/<int:pk>/phu-luc.xlsx", views.report_appendix, name="report-appendix"),
    path("thong-ke/bao-cao/<int:pk>/bao-cao.pdf", views.report_pdf, name="report-pdf"),
    path("thong-ke/ke-hoach/", views.plan_panel, name="plan"),
    path("thong-ke/ke-hoach/chi-tieu/", views.plan_targets, name="plan-targets"),
    path("thong-ke/ke-hoach/chi-tieu/<int:pk>/xoa/", views.plan_target_delete, name="plan-target-delete"),
    path("cong-khai/", views.public, name="public"),
    # Open data: versioned packages at URLs that never change; "moi-nhat" redirects to the current one.
    path("cong-khai/du-lieu/", views.open_data_index, name="open-data"),
    path("cong-khai/du-lieu/<str:month>/v<int:version>/<str:name>", views.open_data_file, name="open-data-file"),
    path("cong-khai/du-lieu/<str:month>/moi-nhat/<str:name>", views.open_data_latest, name="open-data-latest"),
]
