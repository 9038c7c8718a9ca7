from django.contrib.auth import views as auth_views
from django.urls import path

from xuncha.web.views import actions, files, pages

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
]
