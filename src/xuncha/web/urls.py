from django.contrib.auth import views as auth_views
from django.urls import path

from xuncha.web.views import actions, documents, files, jobs, pages, reuse

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", pages.workbench, name="workbench"),
    path("rounds/", pages.round_list, name="rounds"),
    path("rounds/<int:pk>/", pages.round_detail, name="round"),
    path("findings/", pages.finding_list, name="findings"),
    path("inspections/<int:pk>/", pages.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/findings/new", actions.finding_create, name="finding-create"),
    path("findings/<int:pk>/", pages.finding_detail, name="finding"),
    path("findings/<int:pk>/edit", actions.finding_update, name="finding-update"),
    path("findings/<int:pk>/measures/new", actions.measure_create, name="measure-create"),
    path("measures/<int:pk>/edit", actions.measure_update, name="measure-update"),
    path("findings/<int:pk>/closeout", actions.closeout_request, name="closeout-request"),
    path("findings/<int:pk>/lookback", actions.lookback_create, name="lookback-create"),
    path("measures/<int:pk>/status", actions.measure_status, name="measure-status"),
    path("measures/<int:pk>/progress", actions.progress_create, name="progress-create"),
    path("closeouts/<int:pk>/approve", actions.closeout_decide, {"decision": "approve"},
         name="closeout-approve"),
    path("closeouts/<int:pk>/return", actions.closeout_decide, {"decision": "return"}, name="closeout-return"),
    path("evidence/<int:pk>/download", files.evidence_download, name="evidence-download"),
    path("inspections/<int:pk>/ledger.xlsx", documents.ledger_export, name="ledger-export"),
    path("inspections/<int:pk>/import", documents.import_upload, name="import"),
    path("inspections/<int:pk>/import/confirm", documents.import_confirm, name="import-confirm"),
    path("inspections/<int:pk>/notices/new", documents.notice_create, name="notice-create"),
    path("notices/<int:pk>/", documents.notice_detail, name="notice"),
    path("notices/<int:pk>/edit", documents.notice_edit, name="notice-edit"),
    path("notices/<int:pk>/approve", documents.notice_transition, {"action": "approve"}, name="notice-approve"),
    path("notices/<int:pk>/publish", documents.notice_transition, {"action": "publish"}, name="notice-publish"),
    path("notices/<int:pk>/download/<str:fmt>", documents.notice_download, name="notice-download"),
    path("notices/<int:pk>/mask", documents.notice_mask, name="notice-mask"),
    path("reuse/", reuse.check_list, name="reuse-checks"),
    path("reuse/<int:pk>/", reuse.check_detail, name="reuse-check"),
    path("reuse/<int:pk>/report.<str:fmt>", reuse.check_export, name="reuse-export"),
    # 后台任务 (xuncha.jobs)
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/retry", jobs.job_retry, name="job-retry"),
]
